import { AppError } from '@otk/contracts';
import { type TestVhost, createTestVhost, waitFor } from '@otk/test-kit';
import { expect } from 'chai';
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { done } from '../src/index.js';
import { TestBrokers, counterValue } from './support/brokers.js';
import { bookingHeld, placeHoldRequest } from './support/factories.js';
import { takeAll, withRawChannel } from './support/raw-amqp.js';

const script = fileURLToPath(new URL('./support/untrusted-consumer.ts', import.meta.url));

/** The consumer of support/untrusted-consumer.ts as a process of its own, with its output collected. */
function startConsumer(url: string, queue: string, mode: 'crash' | 'steady') {
  const child: ChildProcessWithoutNullStreams = spawn(
    process.execPath,
    ['--conditions=development', '--import', 'tsx', script, url, queue, mode],
    { stdio: 'pipe' },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  return {
    output: () => output,
    exited,
    consuming: () =>
      waitFor(() => (output.includes('consuming\n') ? true : undefined), {
        timeoutMs: 15000,
        what: `the ${mode} consumer`,
      }),
    kill: () => child.kill('SIGKILL'),
  };
}

/** Within `ms`, or undefined. */
const within = <T>(promise: Promise<T>, ms: number) =>
  Promise.race([promise, new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), ms).unref())]);

describe('messaging: untrusted errors end the process', function () {
  this.timeout(60000);
  let vhost: TestVhost;
  let brokers: TestBrokers;

  before(async () => {
    vhost = await createTestVhost();
    brokers = new TestBrokers(vhost.url);
  });
  afterEach(() => brokers.closeAll());
  after(() => vhost.remove());

  const readyIn = (queue: string) =>
    withRawChannel(vhost.url, async (channel) => (await channel.checkQueue(queue)).messageCount);

  it('when a handler throws an untrusted error, then its process exits non-zero, the event waits in the queue, and the next process handles it', async () => {
    const queue = 'test.untrusted';
    const crashing = startConsumer(vhost.url, queue, 'crash');
    try {
      await crashing.consuming();
      const { broker: publisher } = await brokers.connect();
      const event = bookingHeld();

      await publisher.publish(event);

      const code = await within(crashing.exited, 15000);
      expect(code, `exit code; output: ${crashing.output()}`).to.equal(1);
      expect(await readyIn(queue), 'the event back in the queue').to.equal(1);

      // The orchestrator starts the service again: the event is handled by the new process.
      const restarted = startConsumer(vhost.url, queue, 'steady');
      try {
        expect(await within(restarted.exited, 20000), `output: ${restarted.output()}`).to.equal(0);
        expect(restarted.output()).to.include(`handled ${event.id}\n`);
      } finally {
        restarted.kill();
      }
      expect(await readyIn(queue)).to.equal(0);
      expect(await takeAll(vhost.url, `${queue}.dlq`)).to.have.length(0);
    } finally {
      crashing.kill();
    }
  });

  it('when an event keeps ending processes with an untrusted error, then after maxAttempts deliveries it is parked as untrusted', async () => {
    const queue = 'test.poisoned';
    const errors: unknown[] = [];
    const consume = async () => {
      // One broker per "process": after an untrusted error a broker handles nothing more.
      const connected = await brokers.connect({ onUntrustedError: (error) => errors.push(error) });
      await connected.broker.consumeEvents({
        queue,
        routingKeys: ['booking.held'],
        maxAttempts: 2,
        handlers: {
          'booking.held': async () => {
            throw new AppError('INTERNAL', 'invariant broken', undefined, false);
          },
        },
      });
      return connected;
    };
    const first = await consume();
    const event = bookingHeld();

    await first.broker.publish(event);

    await waitFor(() => (errors.length === 1 ? true : undefined), { what: 'the first untrusted error' });
    expect(
      await counterValue(first.registry, 'messaging_handler_outcomes_total', {
        queue,
        event: 'booking.held',
        outcome: 'untrusted',
        reason: 'INTERNAL',
      }),
    ).to.equal(1);
    await first.broker.close(1000);
    expect(await readyIn(queue), 'requeued by the first process').to.equal(1);

    const second = await consume();
    await waitFor(() => (errors.length === 2 ? true : undefined), { what: 'the second untrusted error' });
    const parked = await waitFor(
      async () => {
        const messages = await takeAll(vhost.url, `${queue}.dlq`);
        return messages.length > 0 ? messages : undefined;
      },
      { what: 'the parked event' },
    );
    expect(JSON.parse(parked[0]?.content.toString() ?? '')).to.deep.equal(event);
    expect(parked[0]?.properties.headers).to.include({
      'x-otk-dead-letter-reason': 'untrusted',
      'x-otk-error': 'INTERNAL',
    });
    expect(
      await counterValue(second.registry, 'messaging_dead_lettered_total', { queue, reason: 'untrusted' }),
    ).to.equal(1);
    expect(await readyIn(queue)).to.equal(0);
  });

  it('when a command handler throws an untrusted error, then the caller gets INTERNAL and the broker serves nothing more', async () => {
    const errors: unknown[] = [];
    const { broker: server } = await brokers.connect({ onUntrustedError: (error) => errors.push(error) });
    const { broker: client } = await brokers.connect();
    let calls = 0;
    await server.serveCommand('hold.place', async () => {
      calls += 1;
      throw new AppError('INTERNAL', 'invariant broken', undefined, false);
    });
    // A consumer of the same broker stops too.
    const handled: string[] = [];
    await server.consumeEvents({
      queue: 'test.untrusted-command-neighbour',
      routingKeys: ['booking.held'],
      handlers: {
        'booking.held': async (event) => {
          handled.push(event.id);
          return done();
        },
      },
    });

    const first = await client.call('hold.place', placeHoldRequest()).catch((e: unknown) => e);

    expect(first).to.be.instanceOf(AppError).and.to.include({ code: 'INTERNAL' });
    await waitFor(() => (errors.length === 1 ? true : undefined), { what: 'the untrusted error reported' });
    expect(errors[0]).to.include({ message: 'invariant broken', isTrusted: false });
    const second = await client.call('hold.place', placeHoldRequest(), { timeoutMs: 500 }).catch((e: unknown) => e);
    expect(second).to.be.instanceOf(AppError).and.to.include({ code: 'TIMEOUT' });
    await client.publish(bookingHeld());
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(handled).to.deep.equal([]);
    expect(calls).to.equal(1);
  });
});
