import type { Envelope } from '@otk/contracts';
import type { BookingSyncState } from './sync-booking.use-case.js';
import type { SyncSettings } from './sync-settings.js';

/**
 * What the sync needs from its own storage, next to the practice system (`practice-system.port.ts`).
 * The domain names them; `data-access/` implements them on PostgreSQL and `service.ts` wires them;
 * unit tests pass the in-memory ones of `test/support/in-memory-ports.ts`.
 */

export interface SyncSettingsSource {
  load(): Promise<SyncSettings>;
}

/** What one import publishes and remembers. */
export interface ImportRecord {
  /** Of the imported catalogue and busy times: equal fingerprints, nothing changed. */
  fingerprint: string;
  importedAt: Date;
  /** Published through the outbox, in the same transaction as the fingerprint is recorded. */
  events: Envelope[];
}

/** The last import and the outbox of its events. */
export interface ImportLog {
  /**
   * Calls `decide` with the fingerprint of the last import (undefined before the first), one
   * import at a time across replicas; publishes and records what it returns, atomically, or
   * nothing when it returns undefined. Resolves true when something was recorded.
   */
  record(decide: (lastFingerprint: string | undefined) => ImportRecord | undefined): Promise<boolean>;
}

/** A booking event kept for the worker, as read back from the job table. */
export interface SyncJob {
  seq: string;
  /** The event as it was kept; checked again before it is applied. */
  event: unknown;
  /** Attempts made so far. */
  attempts: number;
}

/** The job table and the sync's memory of each booking, inside the transaction that holds the job. */
export interface SyncJobStore {
  loadSettings(): Promise<SyncSettings>;
  loadSyncState(bookingId: string): Promise<BookingSyncState | undefined>;
  saveSyncState(bookingId: string, state: BookingSyncState): Promise<void>;
  /** Applied: never tried again. */
  complete(seq: string): Promise<void>;
  /** Failed for now: tried again after `delayMs`; the booking's later events wait for it. */
  retryLater(seq: string, delayMs: number, error: string): Promise<void>;
  /** Refused for good (`code` says how): parked for an operator; the booking's later events go on. */
  fail(seq: string, error: string, code: 'PRACTICE_SYSTEM_REFUSED' | 'EVENT_UNREADABLE'): Promise<void>;
}
