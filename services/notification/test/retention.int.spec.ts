import { randomUUID } from 'node:crypto';
import { type MigratedTestDatabase, createMigratedTestDatabase, oneRetentionRun } from '@otk/test-kit';
import { expect } from 'chai';
import { migrations } from '../src/data-access/migrations.js';
import { startRetention } from '../src/entry-points/retention.timer.js';

describe('notification retention: the message log is trimmed to its period', function () {
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

  it('when message-log rows are older than the retention period, then they are deleted and the count is logged', async () => {
    const old = await aLoggedMessage(91);
    const recent = await aLoggedMessage(89);

    const { erased, lines } = await oneRetentionRun((logger, intervalMs) =>
      startRetention({ pool: db.pool, now: () => new Date() }, logger, { intervalMs, days: 90 }),
    );

    expect(erased).to.deep.equal({ messageLog: 1 });
    expect(await logged(old)).to.equal(false);
    expect(await logged(recent)).to.equal(true);
    expect(JSON.stringify(lines)).not.to.include('example.ch');
  });
});
