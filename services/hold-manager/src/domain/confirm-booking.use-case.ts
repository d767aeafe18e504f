import { AppError, type CommandReply } from '@otk/contracts';
import { markConfirmed, toSnapshot } from '../data-access/booking.repository.js';
import { findToken, insertToken } from '../data-access/token.repository.js';
import { inTransaction } from '../data-access/transaction.js';
import { emit, lockUnlessLapsed } from './booking-events.js';
import { nextStatus } from './booking-rules.js';
import type { HoldManagerDeps } from './ports.js';
import { assertPurpose, hashToken, newToken } from './token.js';

/**
 * Stage 2 of the double opt-in (F8): the confirm link turns the hold into a booking and issues the
 * manage token (valid until the appointment). A second click answers "already confirmed"; a click
 * after the deadline HOLD_EXPIRED — and expires the hold at once if nothing did yet.
 */
export async function confirmBooking(deps: HoldManagerDeps, token: string): Promise<CommandReply<'booking.confirm'>> {
  const found = await findToken(deps.pool, hashToken(token));
  assertPurpose(found, 'confirm');
  const now = deps.now();
  const outcome = await inTransaction(deps.pool, async (client) => {
    const booking = await lockUnlessLapsed(client, found.bookingId, now);
    if (booking === 'expired') return 'expired';
    if (booking.status === 'confirmed') return 'already-confirmed';
    const status = nextStatus(booking.status, 'confirm');
    await markConfirmed(client, booking.id, now);
    const manageToken = newToken();
    await insertToken(client, {
      hash: manageToken.hash,
      bookingId: booking.id,
      purpose: 'manage',
      expiresAt: booking.slot.start,
    });
    await emit(
      client,
      'booking.confirmed',
      { booking: toSnapshot({ ...booking, status }), manageToken: manageToken.value },
      now,
    );
    return 'confirmed';
  });
  if (outcome === 'expired') throw new AppError('HOLD_EXPIRED', 'the confirmation window has passed');
  return { bookingId: found.bookingId, status: 'confirmed', alreadyConfirmed: outcome === 'already-confirmed' };
}
