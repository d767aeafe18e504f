import { AppError, type CommandReply } from '@otk/contracts';
import { endBooking, toSnapshot } from '../data-access/booking.repository.js';
import { findToken } from '../data-access/token.repository.js';
import { inTransaction } from '../data-access/transaction.js';
import { emit, lockUnlessLapsed } from './booking-events.js';
import { nextStatus } from './booking-rules.js';
import type { HoldManagerDeps } from './ports.js';
import { assertPurpose, hashToken } from './token.js';

/** The patient drops a provisional request through its confirm link: the slot is free at once. */
export async function withdrawHold(deps: HoldManagerDeps, token: string): Promise<CommandReply<'booking.withdraw'>> {
  const found = await findToken(deps.pool, hashToken(token));
  assertPurpose(found, 'confirm');
  const now = deps.now();
  const outcome = await inTransaction(deps.pool, async (client) => {
    const booking = await lockUnlessLapsed(client, found.bookingId, now);
    if (booking === 'expired') return 'expired';
    const status = nextStatus(booking.status, 'withdraw');
    await endBooking(client, booking.id, status, now);
    await emit(client, 'booking.withdrawn', { booking: toSnapshot({ ...booking, status }) }, now);
    return 'withdrawn';
  });
  if (outcome === 'expired') throw new AppError('HOLD_EXPIRED', 'the confirmation window has passed');
  return { bookingId: found.bookingId, status: 'withdrawn' };
}
