import { AppError, exchanges } from '@otk/contracts';
import {
  type TestVhost,
  aBookingConfirmedEvent,
  aBookingConfirmedNotice,
  aBookingHeldNotice,
  createTestVhost,
  waitFor,
} from '@otk/test-kit';
import { expect } from 'chai';
import { done, retry, skipped } from '../src/index.js';
import { TestBrokers, counterValue } from './support/brokers.js';
import { bookingHeld } from './support/factories.js';
import { takeAll, withRawChannel } from './support/raw-amqp.js';

describe('messaging: typed handlers and their outcomes', function () {
  this.timeout(30000);
  let vhost: TestVhost;
  let brokers: TestBrokers;

  before(async () => {
    vhost = await createTestVhost();
    brokers = new TestBrokers(vhost.url);
  });
  afterEach(() => brokers.closeAll());
  after(() => vhost.remove());

  it('when events of two types arrive, then each reaches the handler of its own type, which reads its own fields', async () => {
    const { broker } = await brokers.connect();
    const seen: string[] = [];
    await broker.consumeEvents({
      queue: 'test.typed',
      routingKeys: ['notice.bookingHeld', 'notice.bookingConfirmed'],
      handlers: {
        // No narrowing: each handler is given its own event type (confirmToken, manageToken).
        'notice.bookingHeld': async (event) => {
          seen.push(`held ${event.data.confirmToken.length > 0}`);
          return done();
        },
        'notice.bookingConfirmed': async (event) => {
          seen.push(`confirmed ${event.data.manageToken.length > 0}`);
          return done();
        },
      },
    });

    await broker.publish(aBookingHeldNotice());
    await broker.publish(aBookingConfirmedNotice());

    await waitFor(() => (seen.length === 2 ? true : undefined), { what: 'both events' });
    expect([...seen].sort()).to.deep.equal(['confirmed true', 'held true']);
  });

  it('when a handler skips an event, then the event is acked and the skip is counted with its reason', async () => {
    const queue = 'test.skipping';
    const { broker, registry } = await brokers.connect();
    const handled: string[] = [];
    await broker.consumeEvents({
      queue,
      routingKeys: ['booking.held'],
      handlers: {
        'booking.held': async (event) => {
          handled.push(event.id);
          return handled.length === 1 ? done() : skipped('duplicate');
        },
      },
    });

    await broker.publish(bookingHeld());
    await broker.publish(bookingHeld());

    await waitFor(
      async () =>
        (await counterValue(registry, 'messaging_handler_outcomes_total', {
          queue,
          event: 'booking.held',
          outcome: 'skipped',
          reason: 'duplicate',
        })) === 1
          ? true
          : undefined,
      { what: 'the counted skip' },
    );
    expect(
      await counterValue(registry, 'messaging_handler_outcomes_total', {
        queue,
        event: 'booking.held',
        outcome: 'done',
      }),
    ).to.equal(1);
    expect(await counterValue(registry, 'messaging_messages_total', { queue, outcome: 'ack' })).to.equal(2);
    await waitFor(
      async () =>
        (await withRawChannel(vhost.url, (channel) => channel.checkQueue(queue))).messageCount === 0 ? true : undefined,
      { what: 'an empty queue' },
    );
    expect(handled).to.have.length(2);
  });

  it('when a handler answers retry, then the event comes back after the delay with the next attempt, and after the last one it is parked with the detail', async () => {
    const queue = 'test.retrying';
    const { broker, registry } = await brokers.connect();
    const attempts: number[] = [];
    await broker.consumeEvents({
      queue,
      routingKeys: ['booking.held'],
      maxAttempts: 3,
      retryDelaysMs: [100],
      handlers: {
        'booking.held': async (_event, ctx) => {
          attempts.push(ctx.attempt);
          return retry('not-due', 'the hold is not due yet');
        },
      },
    });
    const event = bookingHeld();

    await broker.publish(event);

    const parked = await waitFor(
      async () => {
        const messages = await takeAll(vhost.url, `${queue}.dlq`);
        return messages.length > 0 ? messages : undefined;
      },
      { what: 'the parked event' },
    );
    expect(attempts).to.deep.equal([1, 2, 3]);
    expect(JSON.parse(parked[0]?.content.toString() ?? '')).to.deep.equal(event);
    expect(parked[0]?.properties.headers).to.include({
      'x-otk-dead-letter-reason': 'failed',
      // The outcome's code, not its free-text detail.
      'x-otk-error': 'not-due',
    });
    expect(
      await counterValue(registry, 'messaging_handler_outcomes_total', {
        queue,
        event: 'booking.held',
        outcome: 'retry',
        reason: 'not-due',
      }),
    ).to.equal(3);
  });

  it('when the queue is still bound to a type without a handler, then such an event is acked and counted as skipped no-handler', async () => {
    const queue = 'test.unhandled-type';
    const { broker, registry } = await brokers.connect();
    await broker.consumeEvents({
      queue,
      routingKeys: ['booking.held'],
      handlers: { 'booking.held': async () => done() },
    });
    // As a binding left from an earlier version that handled booking.confirmed.
    await withRawChannel(vhost.url, (channel) => channel.bindQueue(queue, exchanges.events, 'booking.confirmed'));

    await broker.publish(aBookingConfirmedEvent());

    await waitFor(
      async () =>
        (await counterValue(registry, 'messaging_handler_outcomes_total', {
          queue,
          event: 'booking.confirmed',
          outcome: 'skipped',
          reason: 'no-handler',
        })) === 1
          ? true
          : undefined,
      { what: 'the counted skip' },
    );
  });

  it('when a handler gives a reason that is not a code, then it is counted as invalid-reason, never as a label of its own', async () => {
    const queue = 'test.free-text-reason';
    const { broker, registry } = await brokers.connect();
    await broker.consumeEvents({
      queue,
      routingKeys: ['booking.held'],
      handlers: { 'booking.held': async (event) => skipped(`already had ${event.id}`) },
    });

    await broker.publish(bookingHeld());

    await waitFor(
      async () =>
        (await counterValue(registry, 'messaging_handler_outcomes_total', {
          queue,
          outcome: 'skipped',
          reason: 'invalid-reason',
        })) === 1
          ? true
          : undefined,
      { what: 'the skip counted as invalid-reason' },
    );
  });

  it('when the handlers do not match the routing keys, then consumeEvents refuses them', async () => {
    const { broker } = await brokers.connect();

    const missing = await broker
      .consumeEvents({
        queue: 'test.mismatch',
        routingKeys: ['booking.held', 'booking.confirmed'],
        // A cast, as plain JavaScript would have it: the types refuse a missing handler.
        handlers: { 'booking.held': async () => done() } as never,
      })
      .catch((error: unknown) => error);

    expect(missing).to.be.instanceOf(AppError).and.to.include({ code: 'VALIDATION_FAILED' });
    expect((missing as AppError).details).to.deep.include({ missing: ['booking.confirmed'] });
  });
});
