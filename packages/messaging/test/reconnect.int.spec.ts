import { type TestVhost, closeVhostConnections, createTestVhost, waitFor } from '@otk/test-kit';
import { expect } from 'chai';
import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { Broker, done } from '../src/index.js';
import { AppError, exchanges } from '@otk/contracts';
import { TestBrokers } from './support/brokers.js';
import { bookingHeld, placeHoldReply, placeHoldRequest } from './support/factories.js';
import { withRawChannel } from './support/raw-amqp.js';

describe('messaging: reconnect', function () {
  this.timeout(90000);
  let vhost: TestVhost;
  let brokers: TestBrokers;

  before(async () => {
    vhost = await createTestVhost();
    brokers = new TestBrokers(vhost.url);
  });
  after(async () => {
    await brokers.closeAll();
    await vhost.remove();
  });

  it('when the connections drop twice during a stream of events, then every event arrives, and consumer and RPC keep working', async () => {
    const total = 200;
    const { broker: consumer } = await brokers.connect();
    const { broker: producer } = await brokers.connect();
    const deliveries = new Map<string, number>();
    await consumer.consumeEvents({
      queue: 'test.reconnect',
      routingKeys: ['booking.held'],
      handlers: {
        'booking.held': async (event) => {
          deliveries.set(event.id, (deliveries.get(event.id) ?? 0) + 1);
          return done();
        },
      },
    });
    await consumer.serveCommand('hold.place', async () => placeHoldReply());
    expect(await producer.call('hold.place', placeHoldRequest())).to.have.property('status', 'held');

    // The producer behaves like the outbox relay: it publishes in order and retries what failed.
    const events = Array.from({ length: total }, () => bookingHeld());
    let published = 0;
    let publishFailures = 0;
    const stream = (async () => {
      for (const event of events) {
        for (;;) {
          try {
            await producer.publish(event, { timeoutMs: 5000 });
            break;
          } catch {
            publishFailures += 1;
          }
        }
        published += 1;
        await sleep(10);
      }
    })();
    await waitFor(() => (published >= 40 ? true : undefined));
    await closeVhostConnections(vhost.name);
    await waitFor(() => (published >= 120 && producer.isConnected() ? true : undefined), { timeoutMs: 30000 });
    await closeVhostConnections(vhost.name);
    await stream;

    await waitFor(() => (events.every((event) => deliveries.has(event.id)) ? true : undefined), {
      timeoutMs: 30000,
      what: 'every event',
    });
    const duplicates = [...deliveries.values()].reduce((sum, count) => sum + count - 1, 0);
    // eslint-disable-next-line no-console -- reported, not asserted to be 0: delivery is at-least-once
    console.log(
      `      ${total} events, ${duplicates} delivered twice or more, ${publishFailures} publishes retried by the producer`,
    );
    expect(deliveries.size).to.equal(total);
    expect(duplicates).to.be.below(total / 10);

    // The last drop may land after the last delivery: the consumer is back once it has reconnected.
    await waitFor(() => (consumer.isConnected() ? true : undefined), { what: 'the consumer to reconnect' });
    const after = bookingHeld();
    await producer.publish(after);
    await waitFor(() => deliveries.get(after.id), { what: 'an event after the reconnects' });
    expect(await producer.call('hold.place', placeHoldRequest())).to.have.property('status', 'held');
  });

  it('when the queue of a consumer is deleted, then the broker reconnects, declares it again and consumes again', async () => {
    const { broker } = await brokers.connect();
    const handled: string[] = [];
    await broker.consumeEvents({
      queue: 'test.deleted',
      routingKeys: ['booking.held'],
      handlers: {
        'booking.held': async (event) => {
          handled.push(event.id);
          return done();
        },
      },
    });

    await withRawChannel(vhost.url, (channel) => channel.deleteQueue('test.deleted'));

    // The queue is declared again before it is bound again: until then an event has no route.
    await waitFor(
      async () => {
        const event = bookingHeld();
        await broker.publish(event);
        await new Promise((resolve) => setTimeout(resolve, 100));
        return handled.includes(event.id) ? true : undefined;
      },
      { timeoutMs: 15000, what: 'an event after the queue was declared again' },
    );
  });

  it('when the broker closes the publisher channel with an error, then the broker reconnects and the publish still succeeds', async () => {
    const { broker } = await brokers.connect();
    const handled: string[] = [];
    await broker.consumeEvents({
      queue: 'test.channel-error',
      routingKeys: ['booking.held'],
      handlers: {
        'booking.held': async (event) => {
          handled.push(event.id);
          return done();
        },
      },
    });

    // Publishing to an exchange that does not exist is a channel error (404).
    await withRawChannel(vhost.url, (channel) => channel.deleteExchange(exchanges.events));
    await broker.publish(bookingHeld());

    // The consumer's binding went with the exchange; its channel binds again after the reconnect,
    // possibly a moment after the publisher declared the exchange. Until then an event has no route.
    await waitFor(
      async () => {
        const event = bookingHeld();
        await broker.publish(event);
        await new Promise((resolve) => setTimeout(resolve, 100));
        return handled.includes(event.id) ? true : undefined;
      },
      { timeoutMs: 15000, what: 'an event after the recovery' },
    );
  });

  it('when the broker cannot be reached, then waitUntilConnected and publish give up with UNAVAILABLE after their timeouts', async () => {
    const broker = new Broker({
      url: 'amqp://guest:guest@127.0.0.1:1/',
      service: 'messaging-test',
      logger: pino({ level: 'silent' }),
      registry: new Registry(),
    });
    try {
      const startedAt = Date.now();
      const notConnected = await broker.waitUntilConnected(300).catch((e: unknown) => e);
      const notPublished = await broker.publish(bookingHeld(), { timeoutMs: 300 }).catch((e: unknown) => e);

      expect(notConnected).to.be.instanceOf(AppError).and.to.include({ code: 'UNAVAILABLE' });
      expect(notPublished).to.be.instanceOf(AppError).and.to.include({ code: 'UNAVAILABLE' });
      expect(broker.isConnected()).to.equal(false);
      expect(Date.now() - startedAt).to.be.below(2000);
    } finally {
      await broker.close();
    }
  });
});
