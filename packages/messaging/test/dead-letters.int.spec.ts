import { type Event, exchanges } from '@otk/contracts';
import { type TestVhost, createTestVhost, waitFor } from '@otk/test-kit';
import { expect } from 'chai';
import type { Registry } from 'prom-client';
import { done, processDeadLetters } from '../src/index.js';
import { TestBrokers } from './support/brokers.js';
import { bookingHeld } from './support/factories.js';
import { publishRaw, withRawChannel } from './support/raw-amqp.js';

const depth = (url: string, queue: string) =>
  withRawChannel(url, async (channel) => (await channel.checkQueue(queue)).messageCount);

/** The value of a gauge's series with these labels, or undefined when it has none. */
async function gaugeValue(
  registry: Registry,
  name: string,
  labels: Record<string, string> = {},
): Promise<number | undefined> {
  const metric = registry.getSingleMetric(name);
  if (!metric) return undefined;
  const { values } = await metric.get();
  return values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l))?.value;
}

describe('messaging: dead-letter queues and their metrics', function () {
  this.timeout(30000);
  let vhost: TestVhost;
  let brokers: TestBrokers;

  before(async () => {
    vhost = await createTestVhost();
    brokers = new TestBrokers(vhost.url);
  });
  afterEach(() => brokers.closeAll());
  after(() => vhost.remove());

  it('when a parked event is replayed after its cause is fixed, then its consumer handles it and the DLQ is empty', async () => {
    const { broker, registry } = await brokers.connect();
    const queue = 'test.replay';
    let broken = true;
    const handled: Event[] = [];
    await broker.consumeEvents({
      queue,
      routingKeys: ['booking.held'],
      maxAttempts: 1,
      handlers: {
        'booking.held': async (event) => {
          if (broken) throw new Error('the mail server is down');
          handled.push(event);
          return done();
        },
      },
    });
    const event = bookingHeld();
    await broker.publish(event);
    await waitFor(async () => ((await depth(vhost.url, `${queue}.dlq`)) === 1 ? true : undefined), {
      what: 'the parked event',
    });
    expect(await gaugeValue(registry, 'messaging_queue_messages', { queue: `${queue}.dlq` })).to.equal(1);

    // Listed by the error's code: its message may quote personal data, so the header never carries it.
    const listed = await processDeadLetters(vhost.url, queue, { mode: 'list' });
    expect(listed.messages).to.deep.equal([
      { messageId: event.id, type: 'booking.held', reason: 'failed', error: 'error', attempts: 1 },
    ]);
    expect(await depth(vhost.url, `${queue}.dlq`)).to.equal(1);

    broken = false;
    const replayed = await processDeadLetters(vhost.url, queue, { mode: 'replay' });

    expect(replayed).to.include({ replayed: 1, discarded: 0 });
    await waitFor(() => (handled.length === 1 ? true : undefined), { what: 'the replayed event handled' });
    expect(handled[0]).to.deep.equal(event);
    expect(await depth(vhost.url, `${queue}.dlq`)).to.equal(0);
    expect(await gaugeValue(registry, 'messaging_queue_messages', { queue: `${queue}.dlq` })).to.equal(0);
  });

  it('when invalid messages are discarded, then only those parked as invalid go and the failed ones stay', async () => {
    const queue = 'test.discard';
    await withRawChannel(vhost.url, async (channel) => {
      await channel.assertQueue(`${queue}.dlq`, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
    });
    const parked = (reason: string, id: string) =>
      publishRaw(vhost.url, '', `${queue}.dlq`, '{}', {
        messageId: id,
        headers: { 'x-otk-dead-letter-reason': reason, 'x-otk-queue': queue, 'x-otk-attempt': 1 },
      });
    await parked('invalid', 'bad-1');
    await parked('failed', 'failed-1');

    const report = await processDeadLetters(vhost.url, queue, { mode: 'discardInvalid' });

    expect(report).to.include({ discarded: 1, replayed: 0 });
    const left = await processDeadLetters(vhost.url, queue, { mode: 'list' });
    expect(left.messages.map((m) => m.messageId)).to.deep.equal(['failed-1']);
  });

  it('when a queue has no dead-letter queue, then the replay fails instead of reporting it empty', async () => {
    const error = await processDeadLetters(vhost.url, 'test.no-such-queue', { mode: 'list' }).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(Error).and.have.property('message').that.includes('NOT_FOUND');
  });

  it('when events are consumed, then their lag is observed per queue, and the connection and consumers are reported', async () => {
    const { broker, registry } = await brokers.connect();
    const queue = 'test.lag';
    const handled: string[] = [];
    await broker.consumeEvents({
      queue,
      routingKeys: ['booking.held'],
      handlers: {
        'booking.held': async (e) => {
          handled.push(e.id);
          return done();
        },
      },
    });
    const old = { ...bookingHeld(), occurredAt: new Date(Date.now() - 90_000).toISOString() };

    await publishRaw(vhost.url, exchanges.events, 'booking.held', JSON.stringify(old), { messageId: old.id });
    await waitFor(() => (handled.length === 1 ? true : undefined), { what: 'the event' });

    const text = await registry.metrics();
    expect(text).to.match(/messaging_event_lag_seconds_bucket\{le="60",queue="test\.lag"\} 0/);
    expect(text).to.match(/messaging_event_lag_seconds_bucket\{le="120",queue="test\.lag"\} 1/);
    expect(await gaugeValue(registry, 'messaging_broker_connected')).to.equal(1);
    expect(await gaugeValue(registry, 'messaging_queue_consumers', { queue })).to.equal(1);
    expect(await gaugeValue(registry, 'messaging_queue_messages', { queue })).to.equal(0);

    await broker.close(1000);
    expect(await gaugeValue(registry, 'messaging_broker_connected')).to.equal(0);
  });
});
