import { queues } from '@otk/contracts';
import { Broker } from '@otk/messaging';
import { type TestVhost, aBookingHeldNotice, createTestVhost, waitFor } from '@otk/test-kit';
import amqp from 'amqplib';
import { expect } from 'chai';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { bookingEventsSubscription } from '../../services/notification/src/entry-points/booking-events.consumer.js';
import { runServiceCommand } from '../support/stack.js';

/** The messages now in `queue`: their ids, each taken and put back (nothing consumed). */
async function messageIdsIn(url: string, queue: string): Promise<string[]> {
  const connection = await amqp.connect(url);
  try {
    const channel = await connection.createChannel();
    const ids: string[] = [];
    for (let message = await channel.get(queue); message; message = await channel.get(queue))
      ids.push(String(message.properties.messageId));
    await channel.recover();
    return ids;
  } finally {
    await connection.close();
  }
}

/**
 * `main.js replay-dead-letters` of a service, run as an operator runs it in the service's
 * container (its own process, only DATABASE_URL and AMQP_URL set), against a real broker whose
 * dead-letter queue holds an event the consumer gave up on.
 */
describe('the replay-dead-letters operator command, run as its own process against RabbitMQ', function () {
  this.timeout(60000);
  let vhost: TestVhost;
  let broker: Broker;
  const eventId = aBookingHeldNotice().id;
  const queue = queues.notificationEvents;
  const run = (...args: string[]) =>
    runServiceCommand(
      'notification',
      {
        // The command never opens the database; the service's container has the variable all the same.
        DATABASE_URL: 'postgres://otk@127.0.0.1:5432/otk',
        AMQP_URL: vhost.url,
      },
      ['replay-dead-letters', ...args],
    );
  const lines = (stdout: string) =>
    stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);

  before(async () => {
    vhost = await createTestVhost();
    // notification.events as the service declares it, consumed by a handler that always fails:
    // after its one attempt, the event is parked in notification.events.dlq.
    broker = new Broker({
      url: vhost.url,
      service: 'notification',
      logger: pino({ level: 'silent' }),
      registry: new Registry(),
    });
    await broker.waitUntilConnected();
    const failing = async () => {
      throw new Error('the mail server is down');
    };
    await broker.consumeEvents({
      ...bookingEventsSubscription,
      maxAttempts: 1,
      handlers: Object.fromEntries(bookingEventsSubscription.routingKeys.map((type) => [type, failing])) as never,
    });
    await broker.publish({ ...aBookingHeldNotice(), id: eventId });
    await waitFor(async () => ((await messageIdsIn(vhost.url, `${queue}.dlq`)).length === 1 ? true : undefined), {
      what: 'the event parked in the dead-letter queue',
    });
    // The consumer goes (as a fixed one would be deployed): what comes back waits in its queue.
    await broker.close(1000);
  });
  after(() => vhost?.remove());

  it('when run with --dry-run, then it lists the parked event by id and reason, without its payload, and leaves it parked', async () => {
    const result = await run('--queue', queue, '--dry-run');

    expect(result.code, result.stderr).to.equal(0);
    expect(lines(result.stdout)).to.deep.equal([
      { queue, messageId: eventId, type: 'notice.bookingHeld', reason: 'failed', error: 'error', attempts: 1 },
      { queue, mode: 'list', found: 1, replayed: 0, discarded: 0 },
    ]);
    expect(await messageIdsIn(vhost.url, `${queue}.dlq`)).to.deep.equal([eventId]);
  });

  it('when run, then the parked event is back in its queue and the dead-letter queue is empty', async () => {
    const result = await run('--queue', queue);

    expect(result.code, result.stderr).to.equal(0);
    expect(lines(result.stdout).at(-1)).to.deep.equal({ queue, mode: 'replay', found: 1, replayed: 1, discarded: 0 });
    expect(await messageIdsIn(vhost.url, `${queue}.dlq`)).to.deep.equal([]);
    expect(await messageIdsIn(vhost.url, queue)).to.deep.equal([eventId]);
  });

  it('when the queue is not one of the service, then it refuses with a non-zero exit and names its queues', async () => {
    const result = await run('--queue', 'hold-manager.events');

    expect(result.code).to.not.equal(0);
    expect(lines(result.stderr).at(-1)).to.include({
      level: 'fatal',
      msg: `unknown queue "hold-manager.events": this service consumes ${queue}, notification.practice-events, notification.webhooks`,
    });
  });
});
