import {
  type TestDatabase,
  type TestVhost,
  aBookingHeldEvent,
  createTestDatabase,
  createTestVhost,
  waitFor,
} from '@otk/test-kit';
import { Broker } from '@otk/messaging';
import amqp from 'amqplib';
import { expect } from 'chai';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { stopProcess } from '../support/stack.js';

const script = fileURLToPath(new URL('./support/untrusted-service.ts', import.meta.url));
const queue = 'untrusted-probe.events';

/** The probe service as its own process, the way the chart runs a service: `migrate` or serve. */
function startProbe(env: Record<string, string>, args: string[] = []) {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--conditions=development', '--import', 'tsx', script, ...args],
    {
      env: { PATH: process.env.PATH ?? '', PORT: '0', MANAGEMENT_PORT: '0', LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  return {
    child,
    exited,
    output: () => ({ stdout, stderr }),
    /** The messages the service logged (pino JSON on stdout). */
    logged: () =>
      stdout
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as { level: number; msg: string }),
  };
}

const within = <T>(promise: Promise<T>, ms: number) =>
  Promise.race([promise, new Promise<'timed out'>((resolve) => setTimeout(() => resolve('timed out'), ms).unref())]);

describe('a service whose event handler throws an untrusted error', function () {
  this.timeout(90000);
  let db: TestDatabase;
  let vhost: TestVhost;
  let env: Record<string, string>;

  before(async () => {
    [db, vhost] = await Promise.all([createTestDatabase(), createTestVhost()]);
    env = { DATABASE_URL: db.url, AMQP_URL: vhost.url };
  });
  after(async () => {
    await Promise.allSettled([db?.drop(), vhost?.remove()]);
  });

  const messagesIn = async (name: string) => {
    const connection = await amqp.connect(vhost.url);
    try {
      const channel = await connection.createChannel();
      return (await channel.checkQueue(name)).messageCount;
    } finally {
      await connection.close();
    }
  };

  it('when the event arrives, then the process shuts down with exit code 1, the event stays in the queue, and the restarted process handles it', async () => {
    const migrate = startProbe(env, ['migrate']);
    expect(await migrate.exited, JSON.stringify(migrate.output())).to.equal(0);
    // Published before any process consumes: the migration job declared the queue.
    const publisher = new Broker({
      url: vhost.url,
      service: 'test',
      logger: pino({ level: 'silent' }),
      registry: new Registry(),
    });
    const event = aBookingHeldEvent();
    try {
      await publisher.waitUntilConnected();
      await publisher.publish(event);
    } finally {
      await publisher.close();
    }

    const crashing = startProbe({ ...env, MODE: 'crash' });
    let code: number | null | 'timed out';
    try {
      code = await within(crashing.exited, 30000);
    } finally {
      await stopProcess(crashing.child);
    }

    expect(code, JSON.stringify(crashing.output())).to.equal(1);
    const logged = crashing.logged();
    expect(logged.map((line) => line.msg)).to.include.members([
      'untrusted-probe started',
      'a handler failed with an untrusted error; the process ends',
      'stopped',
    ]);
    expect(logged.find((line) => line.msg === 'shutting down')).to.deep.include({ reason: 'untrusted error' });
    expect(await messagesIn(queue), 'the event back in its queue').to.equal(1);

    // The orchestrator starts the service again.
    const restarted = startProbe({ ...env, MODE: 'steady' });
    try {
      await waitFor(
        () => (restarted.logged().some((line) => line.msg === 'untrusted-probe started') ? true : undefined),
        {
          timeoutMs: 30000,
          what: 'the restarted service',
        },
      );
      await waitFor(() => (restarted.output().stderr.includes(`handled ${event.id}\n`) ? true : undefined), {
        timeoutMs: 30000,
        what: `the restarted service to handle the event; ${JSON.stringify(restarted.output())}`,
      });
    } finally {
      expect(await stopProcess(restarted.child)).to.equal(0);
    }
    expect(await messagesIn(queue)).to.equal(0);
    expect(await messagesIn(`${queue}.dlq`)).to.equal(0);
  });
});
