import { AppError, type CommandReply } from '@otk/contracts';
import type { HoldManagerDeps } from './ports.js';
import { newToken } from './token.js';

/**
 * A fresh manage link for a reminder (ADR 36): notification never keeps the token of the
 * confirmation, so it asks for one when the reminder is due. A token is issued only while the
 * booking is confirmed and has not begun, valid until its start like every manage token; the
 * answer always says where the booking stands, so a reminder for a booking cancelled or moved
 * meanwhile is not sent.
 */
export async function issueManageToken(
  deps: HoldManagerDeps,
  bookingId: string,
): Promise<CommandReply<'booking.issueManageToken'>> {
  const now = deps.now();
  return deps.bookings.inTransaction(async (tx) => {
    const booking = await tx.lockBooking(bookingId);
    if (!booking) throw new AppError('NOT_FOUND', 'no such booking');
    const answer = { status: booking.status, start: booking.slot.start.toISOString() };
    if (booking.status !== 'confirmed' || booking.slot.start <= now) return { ...answer, manageToken: null };
    const token = newToken();
    await tx.insertToken({ hash: token.hash, bookingId, purpose: 'manage', expiresAt: booking.slot.start });
    return { ...answer, manageToken: token.value };
  });
}
