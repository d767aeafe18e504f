import { AppError } from '@otk/contracts';
import { type Booking, toSnapshot } from './booking.js';
import { announce } from './booking-events.js';
import { isOverdue, nextStatus } from './booking-rules.js';
import type { BookingTransaction } from './ports.js';

/** held → expired: the slot is free again, and everyone learns it from `booking.expired`. */
export async function expireHold(tx: BookingTransaction, booking: Booking, now: Date): Promise<void> {
  const status = nextStatus(booking.status, 'expire');
  await tx.endBooking(booking.id, status, now);
  await announce(tx, 'booking.expired', { booking: toSnapshot({ ...booking, status }) }, now);
}

/**
 * Locks the booking a confirm link names for a step of the patient's. A hold past its deadline is
 * expired on the spot (D3), even if its expiry message has not arrived yet: then 'expired'.
 */
export async function lockUnlessLapsed(
  tx: BookingTransaction,
  bookingId: string,
  now: Date,
): Promise<Booking | 'expired'> {
  const booking = await tx.lockBooking(bookingId);
  if (!booking) throw new AppError('TOKEN_INVALID', 'this link is not valid');
  if (booking.status === 'expired') return 'expired';
  if (booking.status === 'held' && isOverdue(booking.expiresAt, now)) {
    await expireHold(tx, booking, now);
    return 'expired';
  }
  return booking;
}
