import { randomUUID } from 'node:crypto';
import { type MigratedTestDatabase, createMigratedTestDatabase, oneRetentionRun } from '@otk/test-kit';
import { expect } from 'chai';
import { migrations } from '../src/data-access/migrations.js';
import { startRetention } from '../src/entry-points/retention.timer.js';

const day = 86_400_000;

describe('pixelmedics-sync retention: sync jobs and published event data are trimmed', function () {
  this.timeout(30000);
  let db: MigratedTestDatabase;

  before(async () => {
    db = await createMigratedTestDatabase(migrations);
  });
  after(async () => {
    await db?.drop();
  });

  const aSyncJob = async (status: 'done' | 'failed' | 'pending', daysAgo: number) => {
    const eventId = randomUUID();
    const at = new Date(Date.now() - daysAgo * day);
    await db.pool.query(
      `INSERT INTO pixelmedics_sync.sync_jobs (event_id, event_type, booking_id, occurred_at, event, status, received_at, done_at)
       VALUES ($1, 'booking.confirmed', $2, $3, $4, $5, $3, $6)`,
      [eventId, randomUUID(), at, { patient: { lastName: 'Beispiel' } }, status, status === 'done' ? at : null],
    );
    return eventId;
  };
  const jobExists = async (eventId: string) =>
    (await db.pool.query('SELECT 1 FROM pixelmedics_sync.sync_jobs WHERE event_id = $1', [eventId])).rowCount === 1;

  it('when sync jobs are past their periods, then they are deleted, pending ones stay, and the counts are logged', async () => {
    const oldDone = await aSyncJob('done', 8);
    const recentDone = await aSyncJob('done', 6);
    const oldFailed = await aSyncJob('failed', 31);
    const recentFailed = await aSyncJob('failed', 8);
    const oldPending = await aSyncJob('pending', 40);
    const eventId = randomUUID();
    await db.pool.query(
      `INSERT INTO pixelmedics_sync.outbox (event_id, event_type, envelope, published_at)
       VALUES ($1, 'practice.busyTimesImported', $2, now() - interval '2 hours')`,
      [
        eventId,
        { id: eventId, type: 'practice.busyTimesImported', version: 1, occurredAt: '2026-01-01', data: { x: 1 } },
      ],
    );

    const { erased } = await oneRetentionRun((logger, intervalMs) =>
      startRetention({ pool: db.pool, now: () => new Date() }, logger, {
        intervalMs,
        doneJobDays: 7,
        failedJobDays: 30,
        publishedEventMinutes: 60,
      }),
    );

    expect(erased).to.deep.equal({ doneSyncJobs: 1, failedSyncJobs: 1, publishedEventData: 1 });
    expect(await jobExists(oldDone)).to.equal(false);
    expect(await jobExists(oldFailed)).to.equal(false);
    expect(await jobExists(recentDone)).to.equal(true);
    expect(await jobExists(recentFailed)).to.equal(true);
    expect(await jobExists(oldPending)).to.equal(true);
    const { rows } = await db.pool.query<{ envelope: Record<string, unknown> }>(
      'SELECT envelope FROM pixelmedics_sync.outbox WHERE event_id = $1',
      [eventId],
    );
    expect(rows[0]!.envelope).to.have.all.keys('id', 'type', 'version', 'occurredAt');
  });
});
