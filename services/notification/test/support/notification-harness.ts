import { randomBytes } from 'node:crypto';
import type { Envelope } from '@otk/contracts';
import { createPool, runMigrations } from '@otk/db';
import { Broker } from '@otk/messaging';
import { type RunningService, startService } from '@otk/runtime';
import { createLogger } from '@otk/telemetry';
import {
  type TcpProxy,
  type TestDatabase,
  type TestSmtpServer,
  type TestVhost,
  createTestDatabase,
  createTestVhost,
  startTcpProxy,
  startTestSmtpServer,
} from '@otk/test-kit';
import type { ParsedMail } from 'mailparser';
import type pg from 'pg';
import { Registry } from 'prom-client';
import { updatePracticeSettings } from '../../src/data-access/practice-settings.repository.js';
import { migrations } from '../../src/data-access/migrations.js';
import type { PracticeSettings } from '../../src/domain/practice-settings.js';
import { notificationService } from '../../src/service.js';
import { aPracticeSettings } from '../practice-settings.factory.js';

export interface NotificationHarness {
  db: TestDatabase;
  vhost: TestVhost;
  /** The SMTP server the service sends to; `restartSmtp` replaces it on the same port. */
  smtp: TestSmtpServer;
  pool: pg.Pool;
  service: RunningService;
  /** Stops the service and starts it again on the same database, vhost and clock (a restart). */
  restartService(): Promise<void>;
  /** Another process of the service beside the first, with `env` on top of the harness's; the caller stops it. */
  startSecondProcess(env?: Record<string, string>): Promise<RunningService>;
  /** The service reaches its database through this proxy: cut it for a database outage of its own. */
  databaseLink: TcpProxy;
  publish(event: Envelope): Promise<void>;
  mailsTo(address: string): ParsedMail[];
  /** Sets the practice settings to the factory's, with `changes`. */
  useSettings(changes?: Partial<PracticeSettings>): Promise<void>;
  metrics(): Promise<string>;
  stopSmtp(): Promise<void>;
  restartSmtp(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The notification service in this process on its own database and vhost, sending to a real SMTP
 * server of the test; events reach it over the real broker, published as hold-manager does.
 * `now` is the service's clock (default: the real one).
 */
export async function startNotificationHarness(
  env: Record<string, string> = {},
  smtpOptions: Parameters<typeof startTestSmtpServer>[1] = {},
  options: { now?: () => Date } = {},
): Promise<NotificationHarness> {
  const logger = createLogger('test', 'silent');
  const [db, vhost] = await Promise.all([createTestDatabase(), createTestVhost()]);
  let smtp = await startTestSmtpServer(0, smtpOptions);
  await runMigrations({ databaseUrl: db.url, set: migrations, logger });
  const databaseUrl = new URL(db.url);
  const databaseLink = await startTcpProxy(Number(databaseUrl.port || 5432), databaseUrl.hostname);
  databaseUrl.host = `127.0.0.1:${databaseLink.port}`;
  const definition = notificationService(options.now);
  const serviceEnv = () => ({
    DATABASE_URL: databaseUrl.toString(),
    AMQP_URL: vhost.url,
    SMTP_URL: smtp.url,
    PORT: '0',
    MANAGEMENT_PORT: '0',
    LOG_LEVEL: 'silent',
    NOTIFICATION_RETRY_DELAYS_MS: '300',
    NOTIFICATION_MAX_ATTEMPTS: '4',
    ...env,
  });
  let service = await startService(definition, serviceEnv());
  const pool = createPool({ connectionString: db.url, applicationName: 'test' });
  const publisher = new Broker({ url: vhost.url, service: 'test-publisher', logger, registry: new Registry() });
  await publisher.waitUntilConnected();
  let smtpRunning = true;
  const harness: NotificationHarness = {
    db,
    vhost,
    get smtp() {
      return smtp;
    },
    pool,
    get service() {
      return service;
    },
    async restartService() {
      await service.stop();
      service = await startService(definition, serviceEnv());
    },
    startSecondProcess: (extra = {}) => startService(definition, { ...serviceEnv(), ...extra }),
    databaseLink,
    publish: (event) => publisher.publish(event),
    mailsTo: (address) => smtp.messages.filter((m) => JSON.stringify(m.to ?? '').includes(address)),
    useSettings: (changes = {}) => updatePracticeSettings(pool, aPracticeSettings(changes)),
    async metrics() {
      return (await fetch(`http://127.0.0.1:${service.managementPort}/metrics`)).text();
    },
    async stopSmtp() {
      await smtp.stop();
      smtpRunning = false;
    },
    async restartSmtp() {
      smtp = await startTestSmtpServer(smtp.port, smtpOptions);
      smtpRunning = true;
    },
    async stop() {
      await publisher.close();
      await service.stop();
      await databaseLink.stop();
      await pool.end();
      await Promise.allSettled([db.drop(), vhost.remove(), smtpRunning ? smtp.stop() : Promise.resolve()]);
    },
  };
  return harness;
}

/** A patient with an address of their own, so each test finds its own mail. */
export function aPatient(overrides: { phone?: string } = {}): { firstName: string; lastName: string; email: string } {
  return {
    firstName: 'Anna',
    lastName: 'Beispiel',
    email: `anna.${randomBytes(5).toString('hex')}@example.org`,
    ...overrides,
  };
}

/** The value of a counter series in Prometheus text, 0 when absent. */
export function counterValue(metricsText: string, name: string, labels: Record<string, string>): number {
  const line = metricsText
    .split('\n')
    .find(
      (l) =>
        l.startsWith(`${name}{`) && Object.entries(labels).every(([key, value]) => l.includes(`${key}="${value}"`)),
    );
  return line ? Number(line.split(' ').pop()) : 0;
}
