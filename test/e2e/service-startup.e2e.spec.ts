import { exchanges } from '@otk/contracts';
import { createPool } from '@otk/db';
import {
  type TestDatabase,
  type TestVhost,
  aBookingHeldEvent,
  createTestDatabase,
  createTestVhost,
  startTcpProxy,
  waitFor,
} from '@otk/test-kit';
import amqp from 'amqplib';
import { expect } from 'chai';
import { createInterface } from 'node:readline';
import { runServiceCommand, serviceNames, spawnService, stopProcess } from '../support/stack.js';

describe('service start-up checks', function () {
  this.timeout(60000);
  let db: TestDatabase;
  let vhost: TestVhost;

  before(async () => {
    [db, vhost] = await Promise.all([createTestDatabase(), createTestVhost()]);
  });

  after(async () => {
    await Promise.allSettled([db?.drop(), vhost?.remove()]);
  });

  for (const name of serviceNames) {
    it(`when ${name} starts without DATABASE_URL, then it exits non-zero naming the variable`, async () => {
      const result = await runServiceCommand(name, { AMQP_URL: vhost.url, SMTP_URL: 'smtp://127.0.0.1:2525' });
      expect(result.code).to.not.equal(0);
      expect(result.stderr).to.include('DATABASE_URL');
    });
  }

  it('when notification starts without SMTP_URL, then it exits non-zero naming the variable', async () => {
    const result = await runServiceCommand('notification', { DATABASE_URL: db.url, AMQP_URL: vhost.url });
    expect(result.code).to.not.equal(0);
    expect(result.stderr).to.include('SMTP_URL');
  });

  it('when the schema is older than the code, then the service refuses to start and names the missing migration', async () => {
    const result = await runServiceCommand('hold-manager', {
      DATABASE_URL: db.url,
      AMQP_URL: vhost.url,
      PORT: '0',
      MANAGEMENT_PORT: '0',
    });
    expect(result.code).to.not.equal(0);
    expect(result.stderr).to.include('0001_bookings');
  });

  it('when a running service gets SIGTERM, then it stops cleanly with exit code 0', async () => {
    const env = { DATABASE_URL: db.url, AMQP_URL: vhost.url, PORT: '0', MANAGEMENT_PORT: '0' };
    expect((await runServiceCommand('hold-manager', env, ['migrate'])).code).to.equal(0);
    const child = spawnService('hold-manager', env);
    const messages: string[] = [];
    createInterface({ input: child.stdout! }).on('line', (line) => messages.push(String(JSON.parse(line).msg)));
    await waitFor(() => (messages.includes('hold-manager started') ? true : undefined), { what: 'start-up' });

    expect(await stopProcess(child)).to.equal(0);
    expect(messages).to.include.members(['shutting down', 'stopped']);
  });

  it('when an event is published before a service ever ran, then the queue its migration job declared keeps it for the first start', async () => {
    const env = { DATABASE_URL: db.url, AMQP_URL: vhost.url, PORT: '0', MANAGEMENT_PORT: '0', LOG_LEVEL: 'warn' };
    expect((await runServiceCommand('pixelmedics-sync', env, ['migrate'])).code).to.equal(0);
    const event = aBookingHeldEvent();
    const connection = await amqp.connect(vhost.url);
    try {
      const channel = await connection.createConfirmChannel();
      channel.publish(exchanges.events, event.type, Buffer.from(JSON.stringify(event)), {
        persistent: true,
        messageId: event.id,
        contentType: 'application/json',
      });
      await channel.waitForConfirms();
    } finally {
      await connection.close();
    }

    const child = spawnService('pixelmedics-sync', env);
    const pool = createPool({ connectionString: db.url, applicationName: 'test' });
    try {
      await waitFor(
        async () =>
          (
            await pool.query('SELECT status FROM pixelmedics_sync.pms_calendar_entries WHERE booking_id = $1', [
              event.data.booking.bookingId,
            ])
          ).rows[0],
        { timeoutMs: 30000, what: 'the provisional entry of the event published before the first start' },
      );
    } finally {
      await pool.end();
      await stopProcess(child);
    }
  });

  it('when the database is unreachable at start-up, then the service waits for it instead of exiting, and starts once it is back', async function () {
    this.timeout(150000);
    const env = { DATABASE_URL: db.url, AMQP_URL: vhost.url, PORT: '0', MANAGEMENT_PORT: '0' };
    expect((await runServiceCommand('hold-manager', env, ['migrate'])).code).to.equal(0);
    const url = new URL(db.url);
    const link = await startTcpProxy(Number(url.port || 5432), url.hostname);
    link.cut();
    url.host = `127.0.0.1:${link.port}`;
    const child = spawnService('hold-manager', { ...env, DATABASE_URL: url.toString() });
    const messages: string[] = [];
    createInterface({ input: child.stdout! }).on('line', (line) => messages.push(String(JSON.parse(line).msg)));
    try {
      await waitFor(() => (messages.some((m) => m.includes('unreachable at start-up')) ? true : undefined), {
        timeoutMs: 60000,
        what: 'the service to say it waits',
      });
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(child.exitCode, 'still running').to.equal(null);

      link.restore();

      await waitFor(() => (messages.includes('hold-manager started') ? true : undefined), {
        timeoutMs: 30000,
        what: 'the start once the database is back',
      });
    } finally {
      await stopProcess(child);
      await link.stop();
    }
  });
});
