import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '@otk/test-kit';
import { freePort, run } from './processes.js';

// The scripts themselves: Debian's /usr/sbin wrappers switch to the rabbitmq user and its directories.
const sbin = existsSync('/usr/lib/rabbitmq/bin/rabbitmq-server') ? '/usr/lib/rabbitmq/bin' : '/usr/sbin';

export interface OwnRabbitMq {
  url: string;
  /** With `prometheus`: where the rabbitmq_prometheus plugin serves /metrics (host:port). */
  prometheusTarget?: string;
  stop(): Promise<void>;
  start(): Promise<void>;
  destroy(): Promise<void>;
}

/**
 * A RabbitMQ node of the test's own: its own node name, AMQP and distribution ports, data and log
 * directories, configuration and Erlang cookie (HOME), so stopping it leaves the shared broker be.
 * With `prometheus`, the node runs RabbitMQ's built-in Prometheus plugin (rabbitmq_prometheus) on
 * a free port of its own as well, as a production broker that is monitored does.
 */
export async function startOwnRabbitMq(options: { prometheus?: boolean } = {}): Promise<OwnRabbitMq> {
  const dir = await mkdtemp(join(tmpdir(), 'otk-faults-rabbitmq-'));
  const [port, distPort] = [await freePort(), await freePort()];
  const prometheusPort = options.prometheus ? await freePort() : undefined;
  const node = `otkfaults${randomBytes(4).toString('hex')}@localhost`;
  const config = [`listeners.tcp.default = 127.0.0.1:${port}`, 'loopback_users = none'];
  if (prometheusPort) config.push('prometheus.tcp.ip = 127.0.0.1', `prometheus.tcp.port = ${prometheusPort}`);
  await writeFile(join(dir, 'rabbitmq.conf'), `${config.join('\n')}\n`);
  await writeFile(join(dir, 'enabled_plugins'), prometheusPort ? '[rabbitmq_prometheus].\n' : '[].\n');
  const env = {
    ...process.env,
    HOME: dir,
    RABBITMQ_NODENAME: node,
    RABBITMQ_NODE_PORT: String(port),
    RABBITMQ_DIST_PORT: String(distPort),
    RABBITMQ_MNESIA_BASE: join(dir, 'mnesia'),
    RABBITMQ_LOG_BASE: join(dir, 'log'),
    RABBITMQ_CONFIG_FILE: join(dir, 'rabbitmq.conf'),
    RABBITMQ_ADVANCED_CONFIG_FILE: join(dir, 'advanced.config'),
    RABBITMQ_ENABLED_PLUGINS_FILE: join(dir, 'enabled_plugins'),
    RABBITMQ_PID_FILE: join(dir, 'pid'),
  };
  let child: ChildProcess | undefined;
  const start = async () => {
    child = spawn(join(sbin, 'rabbitmq-server'), [], { env, stdio: 'ignore' });
    await waitFor(() => accepts(port), { timeoutMs: 120000, intervalMs: 250, what: 'the RabbitMQ node to listen' });
  };
  const stop = async () => {
    await run(join(sbin, 'rabbitmqctl'), ['-n', node, 'stop'], { env, timeout: 60000 }).catch(() => {
      child?.kill('SIGKILL');
    });
    await waitFor(() => (child?.exitCode !== null || child?.signalCode !== null ? true : undefined), {
      timeoutMs: 30000,
      what: 'the RabbitMQ node to end',
    });
  };
  await start();
  return {
    url: `amqp://guest:guest@127.0.0.1:${port}`,
    prometheusTarget: prometheusPort ? `127.0.0.1:${prometheusPort}` : undefined,
    start,
    stop,
    async destroy() {
      await stop().catch(() => child?.kill('SIGKILL'));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

function accepts(port: number): Promise<true | undefined> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(undefined));
  });
}
