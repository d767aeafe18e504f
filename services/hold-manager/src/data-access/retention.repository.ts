import { erasePublishedOutboxData } from '@otk/db';
import type pg from 'pg';
import type { RetentionCutoffs } from '../domain/retention.js';

/** What one retention run erased, by kind: counts only. */
export interface ErasedCounts {
  endedHolds: number;
  pastBookings: number;
  cancelledBookings: number;
  endedWaitlistEntries: number;
  publishedEventData: number;
  erasureRecords: number;
}

/**
 * Deletes bookings whose retention has run out, with their tokens and occupancy (ON DELETE
 * CASCADE): expired and withdrawn holds after `endedHoldsBefore`; confirmed bookings that ended,
 * and cancelled ones cancelled, before `bookingsBefore`. Active holds and future bookings are
 * never touched. Waiting-list entries that left the list go, with their offers and tokens, as
 * ended holds do (ADR 26). Published outbox events lose their data after `publishedEventsBefore`.
 */
export async function eraseExpiredData(pool: pg.Pool, cutoffs: RetentionCutoffs): Promise<ErasedCounts> {
  const ended = await pool.query(
    `DELETE FROM hold_manager.bookings WHERE status IN ('expired', 'withdrawn') AND ended_at < $1`,
    [cutoffs.endedHoldsBefore],
  );
  const past = await pool.query(`DELETE FROM hold_manager.bookings WHERE status = 'confirmed' AND ends_at < $1`, [
    cutoffs.bookingsBefore,
  ]);
  const cancelled = await pool.query(`DELETE FROM hold_manager.bookings WHERE status = 'cancelled' AND ended_at < $1`, [
    cutoffs.bookingsBefore,
  ]);
  // The ids of bookings erased at a patient's request go after the bookings' own period (ADR 73).
  const erasures = await pool.query(`DELETE FROM hold_manager.erased_bookings WHERE erased_at < $1`, [
    cutoffs.bookingsBefore,
  ]);
  const waitlist = await pool.query(`DELETE FROM hold_manager.waitlist_entries WHERE ended_at < $1`, [
    cutoffs.endedHoldsBefore,
  ]);
  return {
    endedHolds: ended.rowCount ?? 0,
    pastBookings: past.rowCount ?? 0,
    cancelledBookings: cancelled.rowCount ?? 0,
    endedWaitlistEntries: waitlist.rowCount ?? 0,
    publishedEventData: await erasePublishedOutboxData(pool, 'hold_manager', cutoffs.publishedEventsBefore),
    erasureRecords: erasures.rowCount ?? 0,
  };
}
