import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import {
  type TestDatabase,
  type TestSmtpServer,
  type TestVhost,
  createTestDatabase,
  createTestVhost,
  startTestSmtpServer,
  waitFor,
} from '@otk/test-kit';
import { type ReceivedSpan, startOtlpReceiver } from './otlp-receiver.js';

export const serviceNames = ['availability', 'hold-manager', 'notification', 'pixelmedics-sync', 'gateway'] as const;
export type ServiceName = (typeof serviceNames)[number];

const root = fileURLToPath(new URL('../..', import.meta.url));

export interface ServiceProcess {
  name: ServiceName;
  port: number;
  url: string;
  /** Where /healthz, /readyz and /metrics answer (MANAGEMENT_PORT). */
  managementUrl: string;
  child: ChildProcess;
  /** Every log line the process wrote, parsed. */
  logs: Record<string, unknown>[];
}

export interface Stack {
  db: TestDatabase;
  vhost: TestVhost;
  smtp: TestSmtpServer;
  spans: ReceivedSpan[];
  services: Record<ServiceName, ServiceProcess>;
  gatewayUrl: string;
  env: Record<string, string>;
  stop(): Promise<void>;
}

/** Runs one service command (`migrate` or `serve`) the way production does, as its own process. */
export function spawnService(
  name: ServiceName,
  env: Record<string, string>,
  args: string[] = [],
  stdin: 'ignore' | 'pipe' = 'ignore',
): ChildProcess {
  // One node process with the TypeScript loader, so signals reach the service itself.
  const main = `${root}services/${name}/src/main.ts`;
  return spawn(process.execPath, ['--conditions=development', '--import', 'tsx', main, ...args], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: [stdin, 'pipe', 'pipe'],
  });
}

/** Runs a service command to its end and returns its exit code and output; `stdin` is piped in when given. */
export async function runServiceCommand(
  name: ServiceName,
  env: Record<string, string>,
  args: string[] = [],
  stdin?: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawnService(name, env, args, stdin === undefined ? 'ignore' : 'pipe');
  child.stdin?.end(stdin);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stdout, stderr };
}

/**
 * The whole product on real PostgreSQL, RabbitMQ and SMTP: a database and a vhost of its own,
 * migrations run by each service's migrate command, then all five services as processes that
 * export traces to an OTLP receiver of the test.
 */
export async function startStack(extraEnv: Record<string, string> = {}): Promise<Stack> {
  const [db, vhost, smtp, otlp] = await Promise.all([
    createTestDatabase(),
    createTestVhost(),
    startTestSmtpServer(),
    startOtlpReceiver(),
  ]);
  const env: Record<string, string> = {
    DATABASE_URL: db.url,
    AMQP_URL: vhost.url,
    SMTP_URL: smtp.url,
    OTEL_EXPORTER_OTLP_ENDPOINT: otlp.endpoint,
    LOG_LEVEL: 'info',
    PORT: '0',
    MANAGEMENT_PORT: '0',
    // Every request of a test comes from one address; tests of the rate limits turn them on.
    RATE_LIMIT_ENABLED: 'false',
    ...extraEnv,
  };
  const started: ServiceProcess[] = [];
  const stop = async () => {
    await Promise.all(started.map((service) => stopProcess(service.child)));
    await Promise.allSettled([db.drop(), vhost.remove(), smtp.stop(), otlp.stop()]);
  };
  try {
    for (const name of serviceNames) {
      const result = await runServiceCommand(name, env, ['migrate']);
      if (result.code !== 0) throw new Error(`migrating ${name} failed: ${result.stderr}${result.stdout}`);
    }
    const services = await Promise.all(serviceNames.map((name) => startServiceProcess(name, env, started)));
    const byName = Object.fromEntries(services.map((s) => [s.name, s])) as Record<ServiceName, ServiceProcess>;
    return { db, vhost, smtp, spans: otlp.spans, services: byName, gatewayUrl: byName.gateway.url, env, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

export async function startServiceProcess(
  name: ServiceName,
  env: Record<string, string>,
  started: ServiceProcess[],
  startTimeoutMs = 60000,
): Promise<ServiceProcess> {
  const child = spawnService(name, env);
  const service: ServiceProcess = { name, port: 0, url: '', managementUrl: '', child, logs: [] };
  started.push(service);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  createInterface({ input: child.stdout! }).on('line', (line) => {
    try {
      service.logs.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      service.logs.push({ msg: line });
    }
  });
  const { port, managementPort } = await waitFor(
    () => {
      if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}: ${stderr}`);
      const line = service.logs.find((l) => l.msg === `${name} started`);
      return typeof line?.port === 'number' && typeof line.managementPort === 'number'
        ? { port: line.port, managementPort: line.managementPort }
        : undefined;
    },
    { timeoutMs: startTimeoutMs, what: `${name} to start` },
  );
  service.port = port;
  service.url = `http://127.0.0.1:${port}`;
  service.managementUrl = `http://127.0.0.1:${managementPort}`;
  return service;
}

/** SIGTERM, as Kubernetes sends it; SIGKILL if it has not ended after 20 s. */
export async function stopProcess(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 20000);
  const [code] = (await exited) as [number | null];
  clearTimeout(timer);
  return code;
}
