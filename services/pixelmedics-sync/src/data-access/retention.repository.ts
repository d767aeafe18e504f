import { erasePublishedOutboxData } from '@otk/db';
import type pg from 'pg';

export interface SyncRetentionCutoffs {
  /** Applied sync jobs (each a copy of a booking event with the patient's data) done before then go. */
  doneJobsBefore: Date;
  /** Jobs given up on (`failed`), kept longer for the operator, go when received before then. */
  failedJobsBefore: Date;
  publishedEventsBefore: Date;
}

/** Deletes sync jobs past their retention and drops the data of published events (ADR 71). */
export async function eraseOldSyncData(
  pool: pg.Pool,
  cutoffs: SyncRetentionCutoffs,
): Promise<{ doneSyncJobs: number; failedSyncJobs: number; publishedEventData: number }> {
  const done = await pool.query(`DELETE FROM pixelmedics_sync.sync_jobs WHERE status = 'done' AND done_at < $1`, [
    cutoffs.doneJobsBefore,
  ]);
  const failed = await pool.query(
    `DELETE FROM pixelmedics_sync.sync_jobs WHERE status = 'failed' AND received_at < $1`,
    [cutoffs.failedJobsBefore],
  );
  return {
    doneSyncJobs: done.rowCount ?? 0,
    failedSyncJobs: failed.rowCount ?? 0,
    publishedEventData: await erasePublishedOutboxData(pool, 'pixelmedics_sync', cutoffs.publishedEventsBefore),
  };
}
