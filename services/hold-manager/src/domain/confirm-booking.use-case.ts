import { AppError, type CommandReply } from '@otk/contracts';
import { type Booking, toSnapshot } from './booking.js';
import { announceWithLink } from './booking-events.js';
import { nextStatus } from './booking-rules.js';
import { lockUnlessLapsed } from './expire-hold.js';
import type { BookingTransaction, HoldManagerDeps } from './ports.js';
import { assertPurpose, hashToken, newToken } from './token.js';

/**
 * Stage 2 of the double opt-in (F8): the confirm link turns the hold into a booking and issues the
 * manage token (valid until the appointment). A second click answers "already confirmed"; a click
 * after the deadline HOLD_EXPIRED — and expires the hold at once if nothing did yet.
 */
export async function confirmBooking(deps: HoldManagerDeps, token: string): Promise<CommandReply<'booking.confirm'>> {
  const found = await deps.bookings.findToken(hashToken(token));
  assertPurpose(found, 'confirm');
  const now = deps.now();
  const outcome = await deps.bookings.inTransaction(async (tx) => {
    const booking = await lockUnlessLapsed(tx, found.bookingId, now);
    if (booking === 'expired') return 'expired';
    if (booking.status === 'confirmed') return 'already-confirmed';
    await confirmHeld(tx, booking, now);
    return 'confirmed';
  });
  if (outcome === 'expired') throw new AppError('HOLD_EXPIRED', 'the confirmation window has passed');
  return { bookingId: found.bookingId, status: 'confirmed', alreadyConfirmed: outcome === 'already-confirmed' };
}

/** held → confirmed: the manage link (valid until the appointment) goes to the patient with `booking.confirmed`. */
export async function confirmHeld(tx: BookingTransaction, booking: Booking, now: Date): Promise<void> {
  const status = nextStatus(booking.status, 'confirm');
  await tx.markConfirmed(booking.id, now);
  const manageToken = newToken();
  await tx.insertToken({
    hash: manageToken.hash,
    bookingId: booking.id,
    purpose: 'manage',
    expiresAt: booking.slot.start,
  });
  await announceWithLink(
    tx,
    'booking.confirmed',
    { booking: toSnapshot({ ...booking, status }) },
    { manageToken: manageToken.value },
    now,
  );
}
