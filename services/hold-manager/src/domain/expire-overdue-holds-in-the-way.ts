import type { Occupation } from './booking.js';
import { isOverdue } from './booking-rules.js';
import { expireHold } from './expire-hold.js';
import type { BookingTransaction } from './ports.js';

/**
 * When another patient wants the time of a hold past its deadline, that hold lapses on the spot,
 * in the transaction that takes the time (D3, ADR 20): an overdue hold never blocks a slot, even
 * before its expiry message arrives. Holds still within their window stay; the exclusion
 * constraint then refuses the newcomer.
 */
export async function expireOverdueHoldsInTheWay(
  tx: BookingTransaction,
  occupation: Occupation,
  now: Date,
): Promise<void> {
  for (const held of await tx.lockHeldOverlapping(occupation)) {
    if (isOverdue(held.expiresAt, now)) await expireHold(tx, held, now);
  }
}
