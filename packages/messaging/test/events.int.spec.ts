import { AppError, type Event, exchanges } from '@otk/contracts';
import { SpanKind, trace } from '@opentelemetry/api';
import { type TestVhost, createTestVhost, waitFor } from '@otk/test-kit';
import { expect } from 'chai';
import { pino } from 'pino';
import { done } from '../src/index.js';
import { TestBrokers, counterValue } from './support/brokers.js';
import { bookingHeld } from './support/factories.js';
import { publishRaw, takeAll } from './support/raw-amqp.js';
import { installRecordingTracer } from './support/recording-tracer.js';

describe('messaging: events', function () {
  this.timeout(30000);
  let vhost: TestVhost;
  let brokers: TestBrokers;

  before(async () => {
    vhost = await createTestVhost();
    brokers = new TestBrokers(vhost.url);
  });
  afterEach(() => brokers.closeAll());
  after(() => vhost.remove());

  it('when an event is published, then publish resolves on the confirm and the consumer receives it', async () => {
    const { broker } = await brokers.connect();
    const received: Event[] = [];
    await broker.consumeEvents({
      queue: 'test.round-trip',
      routingKeys: ['booking.held'],
      handlers: {
        'booking.held': async (event) => {
          received.push(event);
          return done();
        },
      },
    });
    const event = bookingHeld();

    await broker.publish(event);

    await waitFor(() => (received.length > 0 ? true : undefined), { what: 'the event' });
    expect(received).to.deep.equal([event]);
  });

  it('when an event does not match its schema, then publish refuses it with VALIDATION_FAILED', async () => {
    const { broker } = await brokers.connect();
    const event = { ...bookingHeld(), data: { bookingId: 'not-a-uuid' } };

    const error = await broker.publish(event).catch((e: unknown) => e);

    expect(error).to.be.instanceOf(AppError).and.to.include({ code: 'VALIDATION_FAILED' });
  });

  for (const { what, queue, content } of [
    { what: 'is not JSON', queue: 'test.not-json', content: 'Anna Muster, 1970-01-01' },
    {
      what: 'is JSON but not a valid event',
      queue: 'test.wrong-schema',
      content: JSON.stringify({ ...bookingHeld(), data: { bookingId: 'x' } }),
    },
  ]) {
    it(`when a message ${what}, then it is parked in the DLQ with a reason and counted, its bytes neither in the log nor in the dead-letter header, and the next valid event is still handled`, async () => {
      const logLines: string[] = [];
      const { broker, registry } = await brokers.connect({
        logger: pino({ level: 'trace' }, { write: (line: string) => logLines.push(line) }),
      });
      const handled: string[] = [];
      await broker.consumeEvents({
        queue,
        routingKeys: ['booking.held'],
        handlers: {
          'booking.held': async (event) => {
            handled.push(event.id);
            return done();
          },
        },
      });
      const valid = bookingHeld();

      await publishRaw(vhost.url, exchanges.events, 'booking.held', content, { messageId: 'bad-1' });
      await broker.publish(valid);

      await waitFor(() => (handled.includes(valid.id) ? true : undefined), { what: 'the valid event' });
      const parked = await waitFor(
        async () => {
          const messages = await takeAll(vhost.url, `${queue}.dlq`);
          return messages.length > 0 ? messages : undefined;
        },
        { what: 'the parked message' },
      );
      expect(parked).to.have.length(1);
      expect(parked[0]?.content.toString()).to.equal(content);
      expect(parked[0]?.properties.messageId).to.equal('bad-1');
      expect(parked[0]?.properties.headers).to.include({ 'x-otk-dead-letter-reason': 'invalid', 'x-otk-queue': queue });
      expect(parked[0]?.properties.headers?.['x-otk-error']).to.be.a('string').and.have.length.above(0);
      // Ids and reasons only: not a byte of the message itself.
      expect(parked[0]?.properties.headers?.['x-otk-error']).not.to.match(/Anna|1970|"x"/);
      // The log names the parked message by its id, and quotes none of it either.
      const parkedLines = logLines.filter((line) => line.includes('"bad-1"'));
      expect(parkedLines, 'a log line naming the parked message').to.have.length.above(0);
      for (const line of logLines) expect(line).not.to.match(/Anna|1970|"x"|\\"x\\"/);
      expect(await counterValue(registry, 'messaging_dead_lettered_total', { queue, reason: 'invalid' })).to.equal(1);
      expect(handled).to.deep.equal([valid.id]);
    });
  }

  it('when a handler fails twice, then it handles the event on attempt 3, and another queue bound to the same key sees it once', async () => {
    const { broker, registry } = await brokers.connect();
    const attempts: number[] = [];
    const otherQueueSaw: string[] = [];
    await broker.consumeEvents({
      queue: 'test.flaky',
      routingKeys: ['booking.held'],
      retryDelaysMs: [100, 200],
      handlers: {
        'booking.held': async (_event, ctx) => {
          attempts.push(ctx.attempt);
          if (ctx.attempt < 3) throw new Error(`failure ${ctx.attempt}`);
          return done();
        },
      },
    });
    await broker.consumeEvents({
      queue: 'test.steady',
      routingKeys: ['booking.held'],
      handlers: {
        'booking.held': async (event) => {
          otherQueueSaw.push(event.id);
          return done();
        },
      },
    });
    const event = bookingHeld();

    await broker.publish(event);

    await waitFor(() => (attempts.length >= 3 ? true : undefined), { what: 'the third attempt' });
    await new Promise((resolve) => setTimeout(resolve, 500)); // time for a stray retry to show up
    expect(attempts).to.deep.equal([1, 2, 3]);
    expect(otherQueueSaw).to.deep.equal([event.id]);
    expect(
      await counterValue(registry, 'messaging_messages_total', { queue: 'test.flaky', outcome: 'retry' }),
    ).to.equal(2);
    expect(await counterValue(registry, 'messaging_messages_total', { queue: 'test.flaky', outcome: 'ack' })).to.equal(
      1,
    );
  });

  it('when a handler always fails, then the event is parked in the DLQ with reason failed and its error code, not its message, after maxAttempts', async () => {
    const queue = 'test.broken';
    const { broker, registry } = await brokers.connect();
    const attempts: number[] = [];
    await broker.consumeEvents({
      queue,
      routingKeys: ['booking.held'],
      maxAttempts: 3,
      retryDelaysMs: [100, 200],
      handlers: {
        'booking.held': async (_event, ctx) => {
          attempts.push(ctx.attempt);
          throw new Error('550 5.1.1 <anna.beispiel@example.org>: mailbox unavailable');
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
    expect(parked).to.have.length(1);
    expect(JSON.parse(parked[0]?.content.toString() ?? '')).to.deep.equal(event);
    expect(parked[0]?.properties.headers).to.include({
      'x-otk-dead-letter-reason': 'failed',
      // The error's code, never its message: that may quote the patient's address.
      'x-otk-error': 'error',
      'x-otk-attempt': 3,
    });
    expect(await counterValue(registry, 'messaging_dead_lettered_total', { queue, reason: 'failed' })).to.equal(1);
    expect(await counterValue(registry, 'messaging_messages_total', { queue, outcome: 'dead_lettered' })).to.equal(1);
  });

  it('when events are published with different delays, then each arrives once, after its delay and not much later', async () => {
    const { broker } = await brokers.connect();
    const arrivals = new Map<string, number[]>();
    await broker.consumeEvents({
      queue: 'test.delayed',
      routingKeys: ['booking.held'],
      handlers: {
        'booking.held': async (event) => {
          arrivals.set(event.id, [...(arrivals.get(event.id) ?? []), Date.now()]);
          return done();
        },
      },
    });
    const later = bookingHeld();
    const sooner = bookingHeld();
    const sentAt = Date.now();

    await Promise.all([broker.publishDelayed(later, 1500), broker.publishDelayed(sooner, 600)]);

    await waitFor(() => arrivals.get(later.id), { what: 'the later event' });
    await new Promise((resolve) => setTimeout(resolve, 700)); // time for a copy from another delay queue to show up
    const [soonerAt, ...soonerCopies] = arrivals.get(sooner.id) ?? [];
    const [laterAt, ...laterCopies] = arrivals.get(later.id) ?? [];
    expect(soonerCopies, 'copies of the sooner event').to.deep.equal([]);
    expect(laterCopies, 'copies of the later event').to.deep.equal([]);
    expect((soonerAt ?? 0) - sentAt).to.be.within(600, 1600);
    expect((laterAt ?? 0) - sentAt).to.be.within(1500, 2500);
  });

  it('when an event is consumed, then the handler runs in a CONSUMER span that continues the producer trace', async () => {
    const tracing = installRecordingTracer();
    try {
      const { broker } = await brokers.connect();
      let activeSpanId: string | undefined;
      await broker.consumeEvents({
        queue: 'test.traced',
        routingKeys: ['booking.held'],
        handlers: {
          'booking.held': async () => {
            activeSpanId = trace.getActiveSpan()?.spanContext().spanId;
            return done();
          },
        },
      });

      await broker.publish(bookingHeld());

      await waitFor(() => activeSpanId, { what: 'the handler' });
      const producer = tracing.spans.find((span) => span.name === 'publish booking.held');
      const consumer = tracing.spans.find((span) => span.name === 'process test.traced');
      expect(producer?.kind).to.equal(SpanKind.PRODUCER);
      expect(consumer?.kind).to.equal(SpanKind.CONSUMER);
      expect(consumer?.traceId).to.equal(producer?.traceId);
      expect(consumer?.parentSpanId).to.equal(producer?.spanId);
      expect(activeSpanId).to.equal(consumer?.spanId);
    } finally {
      tracing.uninstall();
    }
  });
});
