import { type Event, type EventType, checkSlotReplyV1, exchanges } from '@otk/contracts';
import { createPool, runMigrations } from '@otk/db';
import { Broker, done, sameHandlerFor } from '@otk/messaging';
import { type RunningService, startService } from '@otk/runtime';
import { type TestDatabase, type TestVhost, createTestDatabase, createTestVhost, waitFor } from '@otk/test-kit';
import amqp from 'amqplib';
import { expect } from 'chai';
import type pg from 'pg';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { migrations } from '../src/data-access/migrations.js';
import { holdManager } from '../src/service.js';
import { aPlaceHoldRequest, checkSlotOfTestPractice, setSettings } from './support/practice.js';

const logger = pino({ level: 'silent' });
const bookingEvents: EventType[] = ['booking.held', 'booking.confirmed', 'booking.expired', 'notice.bookingHeld'];

describe('hold-manager service: commands over RabbitMQ, delayed expiry and the sweep', function () {
  this.timeout(60000);
  let db: TestDatabase;
  let vhost: TestVhost;
  let pool: pg.Pool;
  let client: Broker;
  let service: RunningService | undefined;
  const received: (Event & { at: number })[] = [];
  /** Every message on the `events` exchange, as bytes: what any consumer could bind to. */
  const broadcast: string[] = [];
  let tap: amqp.ChannelModel | undefined;

  const startHoldManager = async (sweepIntervalMs: number) => {
    await service?.stop();
    service = await startService(holdManager, {
      DATABASE_URL: db.url,
      AMQP_URL: vhost.url,
      PORT: '0',
      MANAGEMENT_PORT: '0',
      LOG_LEVEL: 'silent',
      HOLD_EXPIRY_SWEEP_INTERVAL_MS: String(sweepIntervalMs),
    });
  };
  const eventOf = (type: EventType, bookingId: string) =>
    waitFor(
      () => received.find((e) => e.type === type && 'booking' in e.data && e.data.booking.bookingId === bookingId),
      {
        timeoutMs: 20000,
        what: `${type} of ${bookingId}`,
      },
    );

  before(async () => {
    [db, vhost] = await Promise.all([createTestDatabase(), createTestVhost()]);
    await runMigrations({ databaseUrl: db.url, set: migrations, logger });
    pool = createPool({ connectionString: db.url, applicationName: 'test' });
    client = new Broker({ url: vhost.url, service: 'test', logger, registry: new Registry() });
    await client.waitUntilConnected();
    // availability's side of the slot check, validated against the contract by serveCommand.
    await client.serveCommand('availability.checkSlot', async (request) =>
      checkSlotReplyV1.parse(checkSlotOfTestPractice(request)),
    );
    await client.consumeEvents({
      queue: 'test.booking-events',
      routingKeys: bookingEvents,
      handlers: sameHandlerFor(bookingEvents, async (event) => {
        received.push({ ...event, at: Date.now() });
        return done();
      }),
    });
    tap = await amqp.connect(vhost.url);
    const tapChannel = await tap.createChannel();
    const { queue } = await tapChannel.assertQueue('', { exclusive: true });
    await tapChannel.bindQueue(queue, exchanges.events, '#');
    await tapChannel.consume(queue, (message) => message && broadcast.push(message.content.toString()), {
      noAck: true,
    });
    await startHoldManager(600000);
  });

  after(async () => {
    await service?.stop();
    await client?.close();
    await tap?.close();
    await pool?.end();
    await Promise.allSettled([db?.drop(), vhost?.remove()]);
  });

  it('when a hold is placed over RPC, then booking.held is published without a token, the confirm token goes in a notice, and hold.listActive lists it', async () => {
    const request = aPlaceHoldRequest();
    const reply = await client.call('hold.place', request);
    const held = await eventOf('booking.held', reply.bookingId);
    const notice = await eventOf('notice.bookingHeld', reply.bookingId);
    expect(held.data).to.not.have.property('confirmToken');
    const token = notice.type === 'notice.bookingHeld' ? notice.data.confirmToken : '';
    expect(token).to.have.length.of.at.least(43);
    // A consumer bound to everything on the broadcast exchange never sees the token.
    await waitFor(() => broadcast.find((m) => m.includes(reply.bookingId)), { what: 'the broadcast booking.held' });
    expect(broadcast.filter((m) => m.includes(token))).to.deep.equal([]);

    const { bookings } = await client.call('hold.listActive', { from: new Date().toISOString() });
    expect(bookings.map((b) => b.bookingId)).to.include(reply.bookingId);
  });

  it('when the 3-second window passes, then the expiry message expires the hold within 1 s and the confirm link answers HOLD_EXPIRED', async () => {
    await setSettings(pool, { confirmation_window_seconds: 3 });
    const request = aPlaceHoldRequest();
    const reply = await client.call('hold.place', request);
    const held = await eventOf('notice.bookingHeld', reply.bookingId);
    const deadline = Date.parse(reply.expiresAt);

    const expired = await eventOf('booking.expired', reply.bookingId);
    expect(expired.at - deadline).to.be.lessThan(1000);
    const token = held.type === 'notice.bookingHeld' ? held.data.confirmToken : '';
    const confirm = await client.call('booking.confirm', { token }).catch((e: unknown) => e);
    expect(confirm).to.have.property('code', 'HOLD_EXPIRED');
    const again = await client.call('hold.place', { ...aPlaceHoldRequest(), start: request.start });
    expect(again.status).to.equal('held');
    const metrics = await (await fetch(`http://127.0.0.1:${service!.managementPort}/metrics`)).text();
    expect(metrics).to.match(/hold_expiries_total\{[^}]*trigger="message"[^}]*\} 1/);
    // Expired within a second of its deadline: in the 1 s bucket of the expiry lag.
    expect(metrics).to.match(/hold_expiry_lag_seconds_bucket\{[^}]*le="1"[^}]*trigger="message"[^}]*\} 1/);
    expect(metrics).to.match(
      /booking_commands_total\{[^}]*command="booking.confirm"[^}]*outcome="HOLD_EXPIRED"[^}]*\} 1/,
    );
  });

  it('when the expiry message is lost, then the sweep frees the hold within its period', async () => {
    await startHoldManager(1500);
    await setSettings(pool, { confirmation_window_seconds: 2 });
    const reply = await client.call('hold.place', aPlaceHoldRequest());
    const connection = await amqp.connect(vhost.url);
    const channel = await connection.createChannel();
    await waitFor(async () => ((await channel.checkQueue('delay.2000')).messageCount > 0 ? true : undefined), {
      what: 'the expiry message in its delay queue',
    });
    await channel.purgeQueue('delay.2000');
    await connection.close();

    const expired = await eventOf('booking.expired', reply.bookingId);
    expect(expired.at - Date.parse(reply.expiresAt)).to.be.lessThan(1500 + 1000);
    const mine = await pool.query('SELECT active FROM hold_manager.booking_occupancy WHERE booking_id = $1', [
      reply.bookingId,
    ]);
    expect(mine.rows.every((r) => r.active === false)).to.equal(true);
    const metrics = await (await fetch(`http://127.0.0.1:${service!.managementPort}/metrics`)).text();
    expect(metrics).to.match(/hold_expiries_total\{[^}]*trigger="sweep"[^}]*\} 1/);
  });
});
