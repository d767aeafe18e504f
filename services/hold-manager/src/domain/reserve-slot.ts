import type { NewHold } from './booking.js';
import { toSnapshot } from './booking.js';
import { announceWithLink } from './booking-events.js';
import { type PracticeSettings, assertBelowHoldLimits, slotTaken } from './booking-rules.js';
import { expireOverdueHoldsInTheWay } from './expire-overdue-holds-in-the-way.js';
import type { BookingRepository, BookingTransaction } from './ports.js';
import { newToken } from './token.js';

/**
 * Takes the slot for a new hold in one transaction, or refuses it. Racers for overlapping time
 * queue on the occupation lock; whoever comes after the winner sees its committed booking and is
 * refused without writing anything. Holds overdue in the way lapse; the open-hold limits are
 * counted under a lock per contact and per client key, so parallel requests cannot overrun them
 * (D4); then the exclusion constraint, the judge, accepts the booking or answers SLOT_TAKEN.
 * `booking.held`, and the confirm token's notice for notification, go to the outbox in the same
 * transaction.
 *
 * Locks are taken in one order — occupation, then limits, then booking rows — so two reserving
 * transactions never wait for each other in a circle.
 */
export async function reserveSlot(
  bookings: BookingRepository,
  hold: NewHold,
  settings: PracticeSettings,
  now: Date,
  announceNew: AnnounceNewHold = announceWithConfirmLink,
): Promise<'held' | 'duplicate'> {
  return bookings.inTransaction(async (tx) => {
    await tx.lockOccupation(hold.slot);
    if (await tx.isTaken(hold.slot, now)) throw slotTaken();
    await tx.lockHoldLimits(hold.clientKey ? [hold.contactKey, hold.clientKey] : [hold.contactKey]);
    assertBelowHoldLimits(await tx.countOpenHolds(hold, now), settings);
    await expireOverdueHoldsInTheWay(tx, hold.slot, now);
    if ((await tx.insertHold(hold, now)) === 'duplicate') return 'duplicate';
    await announceNew(tx, hold, now);
    return 'held';
  });
}

/** What follows a hold's insert in its transaction: its events and links. */
export type AnnounceNewHold = (tx: BookingTransaction, hold: NewHold, now: Date) => Promise<void>;

/** The booking site's hold: the confirm link goes to the patient (stage 2 of the double opt-in). */
async function announceWithConfirmLink(tx: BookingTransaction, hold: NewHold, now: Date): Promise<void> {
  const confirmToken = newToken();
  await tx.insertToken({
    hash: confirmToken.hash,
    bookingId: hold.id,
    purpose: 'confirm',
    expiresAt: hold.expiresAt,
  });
  await announceWithLink(
    tx,
    'booking.held',
    { booking: toSnapshot({ ...hold, status: 'held' }) },
    { confirmToken: confirmToken.value },
    now,
  );
}
