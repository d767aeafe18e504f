import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { createPool } from '@otk/db';
import { type TestSmtpServer, startTestSmtpServer, waitFor } from '@otk/test-kit';
import express from 'express';
import type pg from 'pg';
import { seedDemoPractice } from '../../../services/availability/scripts/demo-practice.seed.js';
import { seedDemoPracticeSettings } from '../../../services/notification/scripts/demo-practice-settings.seed.js';
import { BuiltinPracticeSystem } from '../../../services/pixelmedics-sync/src/data-access/builtin-practice-system.js';
import { seedDemoPracticeSystem } from '../../../services/pixelmedics-sync/scripts/demo-practice-system.seed.js';
import { createReferenceServer } from '../../../services/pixelmedics-sync/test/support/reference-server.js';
import {
  type ServiceName,
  type ServiceProcess,
  runServiceCommand,
  serviceNames,
  startServiceProcess,
  stopProcess,
} from '../../support/stack.js';
import { type OwnPostgres, startOwnPostgres } from './own-postgres.js';
import { type OwnRabbitMq, startOwnRabbitMq } from './own-rabbitmq.js';

/** How long the practice system adapter waits; the hung practice system outlasts it. */
export const PRACTICE_SYSTEM_TIMEOUT_MS = 2000;
/** Five services compiling their TypeScript at once on two busy cores may take a while. */
const START_TIMEOUT_MS = 180000;

export interface FaultStack {
  postgres: OwnPostgres;
  rabbitmq: OwnRabbitMq;
  smtp: TestSmtpServer;
  practiceSystem: { hang(): void; resume(): void };
  /** The test's own connections to the practice database. */
  pool: pg.Pool;
  services: Record<ServiceName, ServiceProcess>;
  gatewayUrl: string;
  /** SIGKILL, then start again as Kubernetes would. */
  killAndRestart(name: ServiceName): Promise<void>;
  /** Resolves once every service answers /readyz with 200. */
  untilAllReady(timeoutMs?: number): Promise<void>;
  /**
   * The gateway's own count of `POST /api/v1/holds` answered 503, and how many of those took at
   * most 100 ms, from its request-duration histogram (cumulative: subtract an earlier reading).
   */
  gateway503s(): Promise<{ count: number; within100ms: number }>;
  /** Every service process, fatal log lines and exits since the start; none is expected. */
  deaths(): string[];
  stop(): Promise<void>;
}

/**
 * The whole product on a PostgreSQL and a RabbitMQ node of its own (so they can be stopped), an
 * SMTP server and a practice system (the reference server of the HTTP connector contract over
 * the built-in practice calendar) that can hang, and the five services as processes.
 */
export async function startFaultStack(): Promise<FaultStack> {
  const cleanups: (() => Promise<unknown>)[] = [];
  const stop = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  };
  try {
    const [postgres, rabbitmq, smtp] = await Promise.all([
      startOwnPostgres(),
      startOwnRabbitMq(),
      startTestSmtpServer(),
    ]);
    cleanups.push(
      () => postgres.destroy(),
      () => rabbitmq.destroy(),
      () => smtp.stop(),
    );
    const admin = createPool({ connectionString: postgres.url, applicationName: 'faults' });
    await admin.query('CREATE DATABASE otk');
    await admin.end();
    const databaseUrl = postgres.urlOf('otk');
    const pool = createPool({ connectionString: databaseUrl, applicationName: 'faults' });
    cleanups.push(() => pool.end());

    const practiceSystem = await startHangablePracticeSystem(pool);
    cleanups.push(() => practiceSystem.stop());

    const env: Record<string, string> = {
      DATABASE_URL: databaseUrl,
      AMQP_URL: rabbitmq.url,
      SMTP_URL: smtp.url,
      LOG_LEVEL: 'info',
      PORT: '0',
      MANAGEMENT_PORT: '0',
      PRACTICE_SYSTEM_ADAPTER: 'http',
      PRACTICE_SYSTEM_URL: practiceSystem.url,
      PRACTICE_SYSTEM_API_KEY: practiceSystem.apiKey,
      PRACTICE_SYSTEM_TIMEOUT_MS: String(PRACTICE_SYSTEM_TIMEOUT_MS),
      // Retries within seconds, so that the audit after each fault need not wait minutes.
      NOTIFICATION_RETRY_DELAYS_MS: '1000,2000,5000',
      // Every request of the suite comes from one address.
      RATE_LIMIT_ENABLED: 'false',
    };
    for (const name of serviceNames) {
      const result = await runServiceCommand(name, env, ['migrate']);
      if (result.code !== 0) throw new Error(`migrating ${name} failed: ${result.stderr}${result.stdout}`);
    }
    await seedDemoPractice(pool);
    await seedDemoPracticeSystem(pool);
    await seedDemoPracticeSettings(pool);
    // Every request of the load comes from one address; no hold may expire while the suite runs.
    await pool.query(
      'UPDATE hold_manager.settings SET max_open_holds_per_client = 100000, confirmation_window_seconds = 7200',
    );

    const started: ServiceProcess[] = [];
    const exits: string[] = [];
    cleanups.push(() => Promise.all(started.map((service) => stopProcess(service.child))));
    const watch = (service: ServiceProcess) => {
      service.child.on('exit', (code, signal) => {
        if (signal !== 'SIGKILL' && signal !== 'SIGTERM') exits.push(`${service.name} exited (${code ?? signal})`);
      });
    };
    const services = Object.fromEntries(
      await Promise.all(
        serviceNames.map(async (name) => {
          const service = await startServiceProcess(name, env, started, START_TIMEOUT_MS);
          watch(service);
          return [name, service] as const;
        }),
      ),
    ) as Record<ServiceName, ServiceProcess>;
    const fatalLines = () =>
      Object.values(services).flatMap((service) =>
        service.logs.filter((line) => line.level === 60).map((line) => `${service.name}: ${String(line.msg)}`),
      );

    const stack: FaultStack = {
      postgres,
      rabbitmq,
      smtp,
      practiceSystem,
      pool,
      services,
      get gatewayUrl() {
        return services.gateway.url;
      },
      async killAndRestart(name) {
        const old = services[name];
        old.child.kill('SIGKILL');
        await waitFor(() => (old.child.signalCode !== null ? true : undefined), { what: `${name} to die` });
        const fresh = await startServiceProcess(name, env, started, START_TIMEOUT_MS);
        watch(fresh);
        services[name] = fresh;
      },
      async untilAllReady(timeoutMs = 10000) {
        await waitFor(
          async () => {
            const answers = await Promise.all(
              Object.values(services).map((service) =>
                fetch(`${service.managementUrl}/readyz`, { signal: AbortSignal.timeout(3000) }).then(
                  (response) => response.status,
                  () => 0,
                ),
              ),
            );
            return answers.every((status) => status === 200) ? true : undefined;
          },
          { timeoutMs, intervalMs: 100, what: 'every service to be ready' },
        );
      },
      async gateway503s() {
        const text = await (await fetch(`${services.gateway.managementUrl}/metrics`)).text();
        const series = (name: string, extra = '') =>
          text
            .split('\n')
            .filter(
              (line) =>
                line.startsWith(`http_request_duration_seconds_${name}{`) &&
                line.includes('method="POST"') &&
                line.includes('route="/api/v1/holds"') &&
                line.includes('status_code="503"') &&
                line.includes(extra),
            )
            .reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);
        return { count: series('count'), within100ms: series('bucket', 'le="0.1"') };
      },
      deaths: () => [...exits, ...fatalLines()],
      stop,
    };
    return stack;
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * The reference practice-system server; `hang()` makes it take requests and answer none until
 * `resume()`, when the held requests are carried out late — as a slow practice system would,
 * long after the adapter gave up on them.
 */
async function startHangablePracticeSystem(pool: pg.Pool) {
  const apiKey = randomBytes(16).toString('hex');
  let held: (() => void)[] | undefined;
  const app = express();
  app.use((_req, _res, next) => {
    if (held) held.push(() => next());
    else next();
  });
  app.use(createReferenceServer(new BuiltinPracticeSystem(pool), apiKey));
  const server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  const address = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${address.port}`,
    apiKey,
    hang: () => {
      held ??= [];
    },
    resume: () => {
      const waiting = held ?? [];
      held = undefined;
      for (const go of waiting) go();
    },
    stop: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
