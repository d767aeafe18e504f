import { AppError, type CommandReply } from '@otk/contracts';
import { toSnapshot } from './booking.js';
import { announce } from './booking-events.js';
import { nextStatus } from './booking-rules.js';
import { lockUnlessLapsed } from './expire-hold.js';
import type { HoldManagerDeps } from './ports.js';
import { assertPurpose, hashToken } from './token.js';

/** The patient drops a provisional request through its confirm link: the slot is free at once. */
export async function withdrawHold(deps: HoldManagerDeps, token: string): Promise<CommandReply<'booking.withdraw'>> {
  const found = await deps.bookings.findToken(hashToken(token));
  assertPurpose(found, 'confirm');
  const now = deps.now();
  const outcome = await deps.bookings.inTransaction(async (tx) => {
    const booking = await lockUnlessLapsed(tx, found.bookingId, now);
    if (booking === 'expired') return 'expired';
    const status = nextStatus(booking.status, 'withdraw');
    await tx.endBooking(booking.id, status, now);
    await announce(tx, 'booking.withdrawn', { booking: toSnapshot({ ...booking, status }) }, now);
    return 'withdrawn';
  });
  if (outcome === 'expired') throw new AppError('HOLD_EXPIRED', 'the confirmation window has passed');
  return { bookingId: found.bookingId, status: 'withdrawn' };
}
