import { AppError } from '@otk/contracts';
import { type TestVhost, createTestVhost, waitFor } from '@otk/test-kit';
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { done } from '../src/index.js';
import { TestBrokers, counterValue } from './support/brokers.js';
import { bookingHeld, placeHoldReply, placeHoldRequest } from './support/factories.js';
import { withRawChannel } from './support/raw-amqp.js';

const run = promisify(execFile);

describe('messaging: shutdown', function () {
  this.timeout(30000);
  let vhost: TestVhost;
  let brokers: TestBrokers;

  before(async () => {
    vhost = await createTestVhost();
    brokers = new TestBrokers(vhost.url);
  });
  afterEach(() => brokers.closeAll());
  after(() => vhost.remove());

  const messagesIn = (queue: string) =>
    withRawChannel(vhost.url, async (channel) => (await channel.checkQueue(queue)).messageCount);

  it('when closing during a handler, then close waits for it to finish and the event is acked', async () => {
    const { broker } = await brokers.connect();
    let finishedAt = 0;
    let started = false;
    await broker.consumeEvents({
      queue: 'test.in-flight',
      routingKeys: ['booking.held'],
      handlers: {
        'booking.held': async () => {
          started = true;
          await new Promise((resolve) => setTimeout(resolve, 700));
          finishedAt = Date.now();
          return done();
        },
      },
    });
    await broker.publish(bookingHeld());
    await waitFor(() => (started ? true : undefined), { what: 'the handler to start' });

    await broker.close(5000);

    expect(finishedAt, 'handler finished').to.be.above(0);
    expect(Date.now()).to.be.at.least(finishedAt);
    expect(await messagesIn('test.in-flight')).to.equal(0);
  });

  it('when closing during a command, then the handler finishes and the caller still gets its reply', async () => {
    const { broker: server } = await brokers.connect();
    const { broker: client } = await brokers.connect();
    let started = false;
    await server.serveCommand('hold.place', async () => {
      started = true;
      await new Promise((resolve) => setTimeout(resolve, 500));
      return placeHoldReply();
    });
    const call = client.call('hold.place', placeHoldRequest(), { timeoutMs: 5000 });
    await waitFor(() => (started ? true : undefined), { what: 'the handler to start' });

    await server.close(5000);

    expect(await call).to.have.property('status', 'held');
  });

  it('when closing while a handler fails, then its retry is still sent and the event is handled again later', async () => {
    const { broker } = await brokers.connect();
    let started = false;
    await broker.consumeEvents({
      queue: 'test.fails-while-closing',
      routingKeys: ['booking.held'],
      retryDelaysMs: [100],
      handlers: {
        'booking.held': async () => {
          started = true;
          await new Promise((resolve) => setTimeout(resolve, 300));
          throw new Error('failed during shutdown');
        },
      },
    });
    await broker.publish(bookingHeld());
    await waitFor(() => (started ? true : undefined), { what: 'the handler to start' });

    await broker.close(5000);

    const { broker: next, registry } = await brokers.connect();
    const attempts: number[] = [];
    await next.consumeEvents({
      queue: 'test.fails-while-closing',
      routingKeys: ['booking.held'],
      retryDelaysMs: [100],
      handlers: {
        'booking.held': async (_e, ctx) => {
          attempts.push(ctx.attempt);
          return done();
        },
      },
    });
    await waitFor(() => (attempts.length > 0 ? true : undefined), { what: 'the retry' });
    expect(attempts).to.deep.equal([2]);
    expect(
      await counterValue(registry, 'messaging_messages_total', { queue: 'test.fails-while-closing', outcome: 'ack' }),
    ).to.equal(1);
  });

  it('when a handler outlasts the close timeout, then close goes on and the event is delivered again later', async () => {
    const { broker } = await brokers.connect();
    let started = false;
    await broker.consumeEvents({
      queue: 'test.too-slow',
      routingKeys: ['booking.held'],
      handlers: {
        'booking.held': async () => {
          started = true;
          await new Promise((resolve) => setTimeout(resolve, 3000));
          return done();
        },
      },
    });
    const event = bookingHeld();
    await broker.publish(event);
    await waitFor(() => (started ? true : undefined), { what: 'the handler to start' });
    const closingAt = Date.now();

    await broker.close(300);

    expect(Date.now() - closingAt).to.be.below(2000);
    const { broker: next } = await brokers.connect();
    const redelivered: string[] = [];
    await next.consumeEvents({
      queue: 'test.too-slow',
      routingKeys: ['booking.held'],
      handlers: {
        'booking.held': async (e) => {
          redelivered.push(e.id);
          return done();
        },
      },
    });
    await waitFor(() => (redelivered.length > 0 ? true : undefined), { what: 'the redelivery' });
    expect(redelivered).to.deep.equal([event.id]);
  });

  it('when closing with a call waiting for its reply, then the call rejects with UNAVAILABLE', async () => {
    const { broker } = await brokers.connect();
    const call = broker.call('hold.place', placeHoldRequest(), { timeoutMs: 20000 }).catch((e: unknown) => e);
    await new Promise((resolve) => setTimeout(resolve, 100));

    await broker.close();

    expect(await call)
      .to.be.instanceOf(AppError)
      .and.to.include({ code: 'UNAVAILABLE' });
    const late = await broker.publish(bookingHeld()).catch((e: unknown) => e);
    expect(late).to.be.instanceOf(AppError).and.to.include({ code: 'UNAVAILABLE' });
  });

  it('when a process has used the broker and closed it, even with a handler stuck, then nothing keeps it alive', async () => {
    const script = fileURLToPath(new URL('./support/use-and-close.ts', import.meta.url));

    const { stdout } = await run(process.execPath, ['--conditions=development', '--import', 'tsx', script, vhost.url], {
      timeout: 20000,
    });

    expect(stdout).to.equal('closed; pending call: UNAVAILABLE\n');
  });
});
