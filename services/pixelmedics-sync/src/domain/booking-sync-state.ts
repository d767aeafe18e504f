import type { BookingSyncState, SyncErrorCode } from '@otk/contracts';

/** A job of the booking that is not applied yet: waiting (`pending`) or parked (`failed`). */
export interface OpenSyncJob {
  status: 'pending' | 'failed';
  attempts: number;
  nextAttemptAt: Date;
  errorCode: SyncErrorCode | null;
}

/**
 * A booking's state in the practice system, from its jobs not yet applied (in the order they
 * happened) and when the practice system last took one of its events. A parked job outweighs
 * everything (the practice system misses that event until an admin retries it); then the first
 * waiting job, `retrying` once it failed; with none left the booking is `synced`, or still
 * `pending` when no event of it has reached the practice system yet.
 */
export function bookingSyncState(openJobs: readonly OpenSyncJob[], lastSyncedAt: Date | null): BookingSyncState {
  const syncedAt = lastSyncedAt?.toISOString() ?? null;
  const parked = openJobs.find((job) => job.status === 'failed');
  if (parked) {
    return {
      state: 'parked',
      syncedAt,
      nextAttemptAt: null,
      attempts: parked.attempts,
      errorCode: parked.errorCode ?? 'PRACTICE_SYSTEM_REFUSED',
    };
  }
  const waiting = openJobs.find((job) => job.status === 'pending');
  if (waiting && waiting.attempts > 0) {
    return {
      state: 'retrying',
      syncedAt,
      nextAttemptAt: waiting.nextAttemptAt.toISOString(),
      attempts: waiting.attempts,
      errorCode: waiting.errorCode ?? 'PRACTICE_SYSTEM_UNAVAILABLE',
    };
  }
  if (waiting || !lastSyncedAt)
    return { state: 'pending', syncedAt, nextAttemptAt: null, attempts: 0, errorCode: null };
  return { state: 'synced', syncedAt, nextAttemptAt: null, attempts: 0, errorCode: null };
}
