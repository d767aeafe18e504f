import type { Envelope, SyncErrorCode } from '@otk/contracts';
import type pg from 'pg';
import type { SyncJob, SyncJobStore } from '../domain/ports.js';
import type { OpenSyncJob } from '../domain/booking-sync-state.js';
import type { BookingSyncState } from '../domain/sync-booking.use-case.js';
import { loadSettings } from './settings.repository.js';
import { migrations } from './migrations.js';

const s = migrations.schema;

/** Keeps an event for the worker; a redelivered event (same id) is kept once: false when it was kept before. */
export async function enqueueSyncJob(
  pool: pg.Pool,
  event: Envelope<{ booking: { bookingId: string } }>,
): Promise<boolean> {
  const result = await pool.query(
    `INSERT INTO ${s}.sync_jobs (event_id, event_type, booking_id, occurred_at, event)
     VALUES ($1, $2, $3, $4, $5) ON CONFLICT (event_id) DO NOTHING`,
    [event.id, event.type, event.data.booking.bookingId, event.occurredAt, event],
  );
  return result.rowCount === 1;
}

/** The domain's `SyncJobStore` inside the transaction of `client`, the one that claimed the job. */
export function syncJobStoreOn(client: pg.PoolClient): SyncJobStore {
  return {
    loadSettings: () => loadSettings(client),
    loadSyncState: (bookingId) => loadSyncState(client, bookingId),
    saveSyncState: (bookingId, state) => saveSyncState(client, bookingId, state),
    complete: (seq) => completeJob(client, seq),
    retryLater: (seq, delayMs, error) => retryJobLater(client, seq, delayMs, error),
    fail: (seq, error, code) => failJob(client, seq, error, code),
  };
}

/** Walks the index `sync_jobs_pending_in_order`, so a backlog costs no sort (migration 0004). */
export const claimNextJobSql = `SELECT j.seq, j.event, j.attempts FROM ${s}.sync_jobs j
      WHERE j.status = 'pending' AND j.next_attempt_at <= now()
        AND NOT EXISTS (
          SELECT 1 FROM ${s}.sync_jobs e
           WHERE e.booking_id = j.booking_id AND e.status = 'pending'
             AND (e.occurred_at, e.seq) < (j.occurred_at, j.seq))
      ORDER BY j.occurred_at, j.seq
      LIMIT 1 FOR UPDATE SKIP LOCKED`;

/**
 * The next job that is due and has no earlier pending job of the same booking, locked for this
 * transaction: a booking's events are applied in the order they happened, even across replicas.
 */
export async function claimNextJob(client: pg.PoolClient): Promise<SyncJob | undefined> {
  const result = await client.query<SyncJob>(claimNextJobSql);
  return result.rows[0];
}

export async function completeJob(client: pg.PoolClient, seq: string): Promise<void> {
  await client.query(
    `UPDATE ${s}.sync_jobs SET status = 'done', attempts = attempts + 1, done_at = now(), last_error = NULL,
            last_error_code = NULL WHERE seq = $1`,
    [seq],
  );
}

export async function retryJobLater(client: pg.PoolClient, seq: string, delayMs: number, error: string): Promise<void> {
  await client.query(
    `UPDATE ${s}.sync_jobs SET attempts = attempts + 1, last_error = $3,
            last_error_code = 'PRACTICE_SYSTEM_UNAVAILABLE', next_attempt_at = now() + make_interval(secs => $2::double precision / 1000)
      WHERE seq = $1`,
    [seq, delayMs, error.slice(0, 1000)],
  );
}

/** A job the practice system refuses for good is parked for an operator; later ones go on. */
export async function failJob(client: pg.PoolClient, seq: string, error: string, code: string): Promise<void> {
  await client.query(
    `UPDATE ${s}.sync_jobs SET status = 'failed', attempts = attempts + 1, last_error = $2, last_error_code = $3
      WHERE seq = $1`,
    [seq, error.slice(0, 1000), code],
  );
}

export async function loadSyncState(client: pg.PoolClient, bookingId: string): Promise<BookingSyncState | undefined> {
  const result = await client.query<{ entry_id: string | null; contact_id: string | null; prospect_created: boolean }>(
    `SELECT entry_id, contact_id, prospect_created FROM ${s}.booking_sync WHERE booking_id = $1`,
    [bookingId],
  );
  const row = result.rows[0];
  return row && { entryId: row.entry_id, contactId: row.contact_id, prospectCreated: row.prospect_created };
}

export async function saveSyncState(client: pg.PoolClient, bookingId: string, state: BookingSyncState): Promise<void> {
  await client.query(
    `INSERT INTO ${s}.booking_sync (booking_id, entry_id, contact_id, prospect_created) VALUES ($1, $2, $3, $4)
     ON CONFLICT (booking_id) DO UPDATE SET entry_id = $2, contact_id = $3, prospect_created = $4, updated_at = now()`,
    [bookingId, state.entryId, state.contactId, state.prospectCreated],
  );
}

export async function pendingJobStats(
  pool: pg.Pool,
): Promise<{ pending: number; oldestAgeSeconds: number; parked: number }> {
  const result = await pool.query<{ pending: string; oldest_age: number | null; parked: string }>(
    `SELECT count(*) FILTER (WHERE status = 'pending') AS pending,
            extract(epoch FROM now() - min(received_at) FILTER (WHERE status = 'pending'))::float8 AS oldest_age,
            count(*) FILTER (WHERE status = 'failed') AS parked
       FROM ${s}.sync_jobs WHERE status IN ('pending', 'failed')`,
  );
  const row = result.rows[0]!;
  return { pending: Number(row.pending), oldestAgeSeconds: row.oldest_age ?? 0, parked: Number(row.parked) };
}

export interface ParkedJob {
  seq: string;
  eventType: string;
  bookingId: string;
  attempts: number;
  lastError: string | null;
}

/** The jobs parked for an operator (status `failed`), oldest first; `seq` narrows to one. */
export async function listParkedJobs(pool: pg.Pool, seq?: string): Promise<ParkedJob[]> {
  const result = await pool.query<ParkedJob>(
    `SELECT seq, event_type AS "eventType", booking_id AS "bookingId", attempts, last_error AS "lastError"
       FROM ${s}.sync_jobs WHERE status = 'failed' AND ($1::bigint IS NULL OR seq = $1::bigint)
      ORDER BY occurred_at, seq`,
    [seq ?? null],
  );
  return result.rows;
}

/** Puts parked jobs back in the queue, due now and with a fresh backoff; returns their seqs. */
export async function retryParkedJobs(pool: pg.Pool, seq?: string): Promise<string[]> {
  const result = await pool.query<{ seq: string }>(
    `UPDATE ${s}.sync_jobs SET status = 'pending', attempts = 0, next_attempt_at = now()
      WHERE status = 'failed' AND ($1::bigint IS NULL OR seq = $1::bigint) RETURNING seq`,
    [seq ?? null],
  );
  return result.rows.map((row) => row.seq);
}

/**
 * What the console's booking detail needs to tell the booking's state in the practice system: its
 * jobs not yet applied, in the order they happened, and when the practice system last took one.
 */
export async function loadBookingSyncProgress(
  pool: pg.Pool,
  bookingId: string,
): Promise<{ openJobs: OpenSyncJob[]; lastSyncedAt: Date | null }> {
  const [jobs, synced] = await Promise.all([
    pool.query<{
      status: 'pending' | 'failed';
      attempts: number;
      next_attempt_at: Date;
      last_error_code: SyncErrorCode | null;
    }>(
      `SELECT status, attempts, next_attempt_at, last_error_code FROM ${s}.sync_jobs
        WHERE booking_id = $1 AND status IN ('pending', 'failed') ORDER BY occurred_at, seq`,
      [bookingId],
    ),
    pool.query<{ updated_at: Date }>(`SELECT updated_at FROM ${s}.booking_sync WHERE booking_id = $1`, [bookingId]),
  ]);
  return {
    openJobs: jobs.rows.map((row) => ({
      status: row.status,
      attempts: row.attempts,
      nextAttemptAt: row.next_attempt_at,
      errorCode: row.last_error_code,
    })),
    lastSyncedAt: synced.rows[0]?.updated_at ?? null,
  };
}
