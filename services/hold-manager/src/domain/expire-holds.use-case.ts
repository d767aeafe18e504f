import { isOverdue } from './booking-rules.js';
import { expireHold } from './expire-hold.js';
import type { HoldManagerDeps } from './ports.js';

/** Thrown when an expiry message arrives before its hold's deadline (clock skew): it is retried later. */
export class ExpiryNotDueError extends Error {}

/**
 * Handles a hold's expiry message (D3): still held at its deadline → expired, slot freed,
 * `booking.expired` out. A confirmed or withdrawn booking, or a redelivery, changes nothing.
 */
export async function expireHoldWhenDue(
  deps: Pick<HoldManagerDeps, 'bookings' | 'now'>,
  bookingId: string,
): Promise<'expired' | 'skipped'> {
  return deps.bookings.inTransaction(async (tx) => {
    const booking = await tx.lockBooking(bookingId);
    if (!booking || booking.status !== 'held') return 'skipped';
    const now = deps.now();
    if (!isOverdue(booking.expiresAt, now)) throw new ExpiryNotDueError('the hold is not due yet');
    await expireHold(tx, booking, now);
    return 'expired';
  });
}

const SWEEP_BATCH = 100;

/**
 * The safety net for lost expiry messages: expires every overdue hold, a batch per transaction.
 * Rows another replica is expiring are skipped, not waited for.
 */
export async function sweepOverdueHolds(deps: Pick<HoldManagerDeps, 'bookings' | 'now'>): Promise<number> {
  let total = 0;
  for (;;) {
    const expired = await deps.bookings.inTransaction(async (tx) => {
      const now = deps.now();
      const overdue = await tx.lockOverdueHolds(now, SWEEP_BATCH);
      for (const booking of overdue) await expireHold(tx, booking, now);
      return overdue.length;
    });
    total += expired;
    if (expired < SWEEP_BATCH) return total;
  }
}
