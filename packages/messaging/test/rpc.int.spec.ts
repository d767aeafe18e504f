import { AppError, commands } from '@otk/contracts';
import { SpanKind } from '@opentelemetry/api';
import { type TestVhost, closeVhostConnections, createTestVhost, startBrokerOutage, waitFor } from '@otk/test-kit';
import { expect } from 'chai';
import { setTimeout as sleep } from 'node:timers/promises';
import { assertBeforeDeadline } from '../src/index.js';
import { TestBrokers, counterValue } from './support/brokers.js';
import { placeHoldReply, placeHoldRequest } from './support/factories.js';
import { withRawChannel } from './support/raw-amqp.js';
import { installRecordingTracer } from './support/recording-tracer.js';

describe('messaging: RPC', function () {
  this.timeout(30000);
  let vhost: TestVhost;
  let brokers: TestBrokers;

  before(async () => {
    vhost = await createTestVhost();
    brokers = new TestBrokers(vhost.url);
  });
  afterEach(() => brokers.closeAll());
  after(() => vhost.remove());

  /** A server that answers every hold.place and counts them, and a client. */
  async function servedByCounter() {
    const { broker: server, registry } = await brokers.connect();
    const { broker: client } = await brokers.connect();
    let served = 0;
    await server.serveCommand('hold.place', async () => {
      served += 1;
      return placeHoldReply();
    });
    return { server, registry, client, served: () => served };
  }

  it('when a command is called, then the server gets the parsed request and the caller its reply', async () => {
    const { broker: server } = await brokers.connect();
    const { broker: client } = await brokers.connect();
    const reply = placeHoldReply();
    const requests: unknown[] = [];
    await server.serveCommand('hold.place', async (request) => {
      requests.push(request);
      return reply;
    });

    const result = await client.call('hold.place', placeHoldRequest());

    expect(result).to.deep.equal(reply);
    expect(requests).to.deep.equal([{ ...placeHoldRequest(), language: 'de' }]); // the schema's default applied
  });

  it('when the handler throws an AppError, then the caller rejects with its code, message and details', async () => {
    const { broker: server } = await brokers.connect();
    const { broker: client } = await brokers.connect();
    await server.serveCommand('hold.place', async () => {
      throw new AppError('SLOT_TAKEN', 'the slot is taken', { practitionerId: 'dr-muster' });
    });

    const error = await client.call('hold.place', placeHoldRequest()).catch((e: unknown) => e);

    expect(error).to.be.instanceOf(AppError);
    expect((error as AppError).toJSON()).to.deep.equal({
      code: 'SLOT_TAKEN',
      message: 'the slot is taken',
      details: { practitionerId: 'dr-muster' },
    });
  });

  it('when the handler throws anything else, then the caller rejects with INTERNAL and learns nothing more', async () => {
    const { broker: server } = await brokers.connect();
    const { broker: client } = await brokers.connect();
    await server.serveCommand('hold.place', async () => {
      throw new Error('connection to database lost: password=secret');
    });

    const error = await client.call('hold.place', placeHoldRequest()).catch((e: unknown) => e);

    expect(error).to.be.instanceOf(AppError).and.to.include({ code: 'INTERNAL', message: 'internal error' });
  });

  it('when the handler fails on an error the service translates, then the caller rejects with the translated code, and UNAVAILABLE pauses calls to that queue for a moment', async () => {
    const { broker: server } = await brokers.connect({
      translateError: (error) =>
        (error as { code?: string }).code === 'ECONNREFUSED' ? new AppError('UNAVAILABLE', 'database down') : undefined,
    });
    const { broker: client } = await brokers.connect();
    let served = 0;
    await server.serveCommand('hold.place', async () => {
      served += 1;
      if (served === 1) throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
      return placeHoldReply();
    });

    const error = await client.call('hold.place', placeHoldRequest()).catch((e: unknown) => e);
    const startedAt = Date.now();
    const paused = await client.call('hold.place', placeHoldRequest()).catch((e: unknown) => e);
    const pausedMs = Date.now() - startedAt;
    await sleep(1000); // the first pause

    expect(error).to.be.instanceOf(AppError).and.to.include({ code: 'UNAVAILABLE', message: 'database down' });
    expect(paused).to.be.instanceOf(AppError).and.to.include({ code: 'UNAVAILABLE' });
    expect(pausedMs).to.be.below(20);
    expect(served).to.equal(1);
    expect(await client.call('hold.place', placeHoldRequest())).to.have.property('status', 'held');
  });

  it('when the request is invalid, then call rejects with VALIDATION_FAILED without sending it', async () => {
    const { client, served } = await servedByCounter();

    const error = await client.call('hold.place', placeHoldRequest({ start: 'tomorrow' })).catch((e: unknown) => e);

    expect(error).to.be.instanceOf(AppError).and.to.include({
      code: 'VALIDATION_FAILED',
      message: 'invalid hold.place request: start: Invalid ISO datetime',
    });
    expect(served()).to.equal(0);
  });

  it('when a raw request is invalid, then the server replies VALIDATION_FAILED and keeps serving', async () => {
    const { broker: server } = await brokers.connect();
    await server.serveCommand('hold.place', async () => placeHoldReply());

    const replies = await withRawChannel(vhost.url, async (channel) => {
      const received: unknown[] = [];
      await channel.consume(
        'amq.rabbitmq.reply-to',
        (message) => message && received.push(JSON.parse(message.content.toString())),
        { noAck: true },
      );
      for (const content of ['not json', JSON.stringify({ appointmentTypeId: 'checkup' })]) {
        channel.sendToQueue(commands['hold.place'].queue, Buffer.from(content), {
          replyTo: 'amq.rabbitmq.reply-to',
          correlationId: 'c',
          type: 'hold.place',
        });
      }
      for (let waited = 0; received.length < 2 && waited < 5000; waited += 50)
        await new Promise((resolve) => setTimeout(resolve, 50));
      return received;
    });

    expect(replies).to.have.length(2);
    for (const reply of replies) expect(reply).to.nested.include({ ok: false, 'error.code': 'VALIDATION_FAILED' });
    const { broker: client } = await brokers.connect();
    expect(await client.call('hold.place', placeHoldRequest())).to.have.property('status', 'held');
  });

  it('when no server answers, then call rejects with TIMEOUT after timeoutMs', async () => {
    const { broker: client } = await brokers.connect();
    const startedAt = Date.now();

    const error = await client.call('hold.place', placeHoldRequest(), { timeoutMs: 300 }).catch((e: unknown) => e);

    expect(error).to.be.instanceOf(AppError).and.to.include({ code: 'TIMEOUT' });
    expect(Date.now() - startedAt).to.be.within(300, 1000);
  });

  it('when a reply comes after the timeout, then it is ignored, counted as late, and the server keeps serving', async () => {
    const { broker: server } = await brokers.connect();
    const { broker: client, registry } = await brokers.connect();
    let delayMs = 500;
    await server.serveCommand('hold.place', async () => {
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      return placeHoldReply();
    });

    const error = await client.call('hold.place', placeHoldRequest(), { timeoutMs: 200 }).catch((e: unknown) => e);
    delayMs = 0;
    await new Promise((resolve) => setTimeout(resolve, 500));

    expect(error).to.be.instanceOf(AppError).and.to.include({ code: 'TIMEOUT' });
    expect(await counterValue(registry, 'messaging_rpc_late_replies_total', {})).to.equal(1);
    expect(await client.call('hold.place', placeHoldRequest())).to.have.property('status', 'held');
  });

  it('when a command is called, then the server span is a child of the client span', async () => {
    const tracing = installRecordingTracer();
    try {
      const { broker: server } = await brokers.connect();
      const { broker: client } = await brokers.connect();
      await server.serveCommand('hold.place', async () => placeHoldReply());

      await client.call('hold.place', placeHoldRequest());

      const spans = tracing.spans.filter((span) => span.name === 'rpc hold.place');
      const clientSpan = spans.find((span) => span.kind === SpanKind.CLIENT);
      const serverSpan = spans.find((span) => span.kind === SpanKind.SERVER);
      expect(serverSpan?.traceId).to.equal(clientSpan?.traceId);
      expect(serverSpan?.parentSpanId).to.equal(clientSpan?.spanId);
    } finally {
      tracing.uninstall();
    }
  });

  it('when the handler is still working as the deadline passes, then it cannot commit and the caller gets TIMEOUT', async () => {
    const { broker: server } = await brokers.connect();
    const { broker: client } = await brokers.connect();
    const committed: string[] = [];
    await server.serveCommand('hold.place', async () => {
      await sleep(400);
      assertBeforeDeadline(); // where a transaction checks before COMMIT
      committed.push('hold');
      return placeHoldReply();
    });

    const error = await client.call('hold.place', placeHoldRequest(), { timeoutMs: 300 }).catch((e: unknown) => e);
    await sleep(300);

    expect(error).to.be.instanceOf(AppError).and.to.include({ code: 'TIMEOUT' });
    expect(committed).to.deep.equal([]);
  });

  it('when the broker connection falls while the handler works, then it cannot commit: its reply could not reach the caller', async () => {
    const { broker: server } = await brokers.connect();
    const { broker: client } = await brokers.connect();
    const committed: string[] = [];
    let refusal: unknown;
    let handled!: () => void;
    const done = new Promise<void>((resolve) => (handled = resolve));
    let deliveries = 0;
    await server.serveCommand('hold.place', async () => {
      // After the reconnect the unacked request comes again: this test is about the first time.
      if ((deliveries += 1) > 1) throw new AppError('UNAVAILABLE', 'not this time');
      try {
        // The request was taken up; now the broker restarts (every connection closed), and the
        // reply this handler would send can no longer reach its caller.
        await closeVhostConnections(vhost.name);
        await waitFor(async () => (server.isConnected() ? undefined : true));
        assertBeforeDeadline(); // where a transaction checks before COMMIT
        committed.push('hold');
        return placeHoldReply();
      } catch (error) {
        refusal = error;
        throw error;
      } finally {
        handled();
      }
    });

    void client.call('hold.place', placeHoldRequest(), { timeoutMs: 20000 }).catch(() => undefined);
    await done;
    // The request was never acked: it went back to the queue. Not for the tests after this one.
    await brokers.closeAll();
    await withRawChannel(vhost.url, (channel) =>
      channel.purgeQueue(commands['hold.place'].queue).then(() => undefined),
    );

    expect(refusal).to.be.instanceOf(AppError).and.to.include({ code: 'UNAVAILABLE' });
    expect(committed).to.deep.equal([]);
  });

  it('when a request reaches the server after its deadline, then it is dropped unserved and counted', async () => {
    const { registry, served } = await servedByCounter();

    await withRawChannel(vhost.url, async (channel) => {
      channel.sendToQueue(commands['hold.place'].queue, Buffer.from(JSON.stringify(placeHoldRequest())), {
        replyTo: 'nobody-waits',
        correlationId: 'late',
        type: 'hold.place',
        headers: { 'x-otk-deadline': Date.now() - 1 },
      });
      await waitFor(async () =>
        (await counterValue(registry, 'messaging_messages_total', { outcome: 'expired' })) === 1 ? true : undefined,
      );
    });

    expect(served()).to.equal(0);
  });

  it('when the broker is unreachable, then call rejects with UNAVAILABLE at once and nothing is sent after the reconnect', async () => {
    const { server, client, served } = await servedByCounter();
    const outage = await startBrokerOutage(vhost);
    try {
      await waitFor(() => (client.isConnected() ? undefined : true), { what: 'the client to notice the outage' });
      const startedAt = Date.now();

      const error = await client.call('hold.place', placeHoldRequest(), { timeoutMs: 5000 }).catch((e: unknown) => e);

      expect(Date.now() - startedAt).to.be.below(100);
      expect(error).to.be.instanceOf(AppError).and.to.include({ code: 'UNAVAILABLE' });
    } finally {
      await outage.end();
    }
    await waitFor(() => (client.isConnected() && server.isConnected() ? true : undefined), {
      timeoutMs: 15000,
      what: 'both to reconnect',
    });
    await sleep(500);
    expect(served()).to.equal(0);
    expect(await client.call('hold.place', placeHoldRequest())).to.have.property('status', 'held');
  });
});
