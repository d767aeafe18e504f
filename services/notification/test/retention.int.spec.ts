import { randomUUID } from 'node:crypto';
import { type MigratedTestDatabase, createMigratedTestDatabase, oneRetentionRun } from '@otk/test-kit';
import { expect } from 'chai';
import { migrations } from '../src/data-access/migrations.js';
import { startRetention } from '../src/entry-points/retention.timer.js';

describe('notification retention: the message log and the webhook delivery log are trimmed to their period', function () {
  this.timeout(30000);
  let db: MigratedTestDatabase;

  before(async () => {
    db = await createMigratedTestDatabase(migrations);
  });
  after(async () => {
    await db?.drop();
  });

  const aLoggedMessage = async (createdDaysAgo: number) => {
    const eventId = randomUUID();
    await db.pool.query(
      `INSERT INTO notification.message_log (event_id, recipient, kind, audience, channel, booking_id, status, created_at)
       VALUES ($1, 'anna.beispiel@example.ch', 'confirmation', 'patient', 'email', $2, 'sent', now() - make_interval(days => $3))`,
      [eventId, randomUUID(), createdDaysAgo],
    );
    return eventId;
  };
  const logged = async (eventId: string) =>
    (await db.pool.query('SELECT 1 FROM notification.message_log WHERE event_id = $1', [eventId])).rowCount === 1;

  const aWebhookDelivery = async (status: 'delivered' | 'pending', daysAgo: number) => {
    const endpointId = randomUUID();
    await db.pool.query(
      `INSERT INTO notification.webhook_endpoints (id, url, event_types, personal_data, secret)
       VALUES ($1, 'https://crm.example.ch/otk', '{booking.confirmed}', 'none', 'whsec_c2VjcmV0')`,
      [endpointId],
    );
    const finished = status === 'delivered';
    await db.pool.query(
      `INSERT INTO notification.webhook_deliveries
         (endpoint_id, event_id, event_type, booking_id, occurred_at, status, next_attempt_at, payload, finished_at)
       VALUES ($1, $2, 'booking.confirmed', $3, now(), $4, now(), $5, now() - make_interval(days => $6))`,
      [endpointId, randomUUID(), randomUUID(), status, finished ? null : '{}', daysAgo],
    );
    return endpointId;
  };
  const deliveries = async (endpointId: string) =>
    (await db.pool.query('SELECT 1 FROM notification.webhook_deliveries WHERE endpoint_id = $1', [endpointId]))
      .rowCount;

  it('when message-log rows and finished webhook deliveries are older than the retention period, then they are deleted and the count is logged', async () => {
    const old = await aLoggedMessage(91);
    const recent = await aLoggedMessage(89);
    const oldDelivery = await aWebhookDelivery('delivered', 91);
    const recentDelivery = await aWebhookDelivery('delivered', 89);
    const pendingDelivery = await aWebhookDelivery('pending', 91);

    const { erased, lines } = await oneRetentionRun((logger, intervalMs) =>
      startRetention({ pool: db.pool, now: () => new Date() }, logger, { intervalMs, days: 90 }),
    );

    expect(erased).to.deep.equal({ messageLog: 1, webhookDeliveries: 1, reminders: 0 });
    expect([
      await deliveries(oldDelivery),
      await deliveries(recentDelivery),
      await deliveries(pendingDelivery),
    ]).to.deep.equal([0, 1, 1]);
    expect(await logged(old)).to.equal(false);
    expect(await logged(recent)).to.equal(true);
    expect(JSON.stringify(lines)).not.to.include('example.ch');
  });
});
