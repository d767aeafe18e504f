import { withTransaction } from '@otk/db';
import { expect } from 'chai';
import type pg from 'pg';
import type { MigratedTestDatabase } from '@otk/test-kit';
import { createMigratedDatabase } from './support/migrated-database.js';
import {
  claimNextJob,
  claimNextJobSql,
  enqueueSyncJob,
  retryJobLater,
} from '../src/data-access/sync-job.repository.js';
import { aBookingLife } from './support/booking-lifecycle.js';

describe('sync jobs: order per booking', () => {
  let database: MigratedTestDatabase;
  let pool: pg.Pool;

  before(async () => {
    database = await createMigratedDatabase();
    pool = database.pool;
  });

  after(async () => {
    await database?.drop();
  });

  const claim = () =>
    withTransaction(pool, async (client) => (await claimNextJob(client)) as { event: { type: string } } | undefined);

  it('when an earlier event of a booking waits for a retry, then its later events wait too, while other bookings go on', async () => {
    const waiting = aBookingLife();
    const other = aBookingLife();
    const held = waiting.held();
    await enqueueSyncJob(pool, held);
    await enqueueSyncJob(pool, waiting.confirmed());
    await enqueueSyncJob(pool, waiting.cancelled());
    await withTransaction(pool, async (client) => {
      const job = await claimNextJob(client);
      await retryJobLater(client, job!.seq, 60_000, 'practice system down');
    });
    const otherHeld = other.held();
    await enqueueSyncJob(pool, otherHeld);

    const next = await claim();
    expect(next?.event).to.deep.include({ id: otherHeld.id });
  });

  it('when the same event is kept twice, then there is one job', async () => {
    const life = aBookingLife();
    const held = life.held();
    await enqueueSyncJob(pool, held);
    await enqueueSyncJob(pool, held);
    const { rows } = await pool.query('SELECT count(*)::int AS n FROM pixelmedics_sync.sync_jobs WHERE event_id = $1', [
      held.id,
    ]);
    expect(rows[0].n).to.equal(1);
  });

  it('when thousands of jobs wait, then claiming the next one walks them in order instead of sorting them all', async () => {
    // 5,000 pending jobs of 2,500 bookings, as a practice system outage or a burst leaves behind.
    await pool.query(
      `INSERT INTO pixelmedics_sync.sync_jobs (event_id, event_type, booking_id, occurred_at, event)
       SELECT gen_random_uuid(), 'booking.held', gen_random_uuid(), now() - make_interval(secs => n), '{}'::jsonb
         FROM generate_series(1, 2500) AS n
       UNION ALL
       SELECT gen_random_uuid(), 'booking.confirmed', gen_random_uuid(), now() - make_interval(secs => n), '{}'::jsonb
         FROM generate_series(1, 2500) AS n`,
    );
    await pool.query('ANALYZE pixelmedics_sync.sync_jobs');

    const plan = await withTransaction(pool, async (client) => {
      const explained = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${claimNextJobSql}`);
      return explained.rows.map((row) => row['QUERY PLAN']).join('\n');
    });

    expect(plan).to.include('sync_jobs_pending_in_order');
    expect(plan).not.to.match(/\bSort\b/);
  });
});
