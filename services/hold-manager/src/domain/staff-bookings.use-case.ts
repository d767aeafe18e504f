import { AppError, type CommandReply, type CommandRequestParsed } from '@otk/contracts';
import { endBooking, lockBooking, toSnapshot } from '../data-access/booking.repository.js';
import { findStaffBooking, listStaffBookings } from '../data-access/staff-bookings.repository.js';
import { inTransaction } from '../data-access/transaction.js';
import { emit } from './booking-events.js';
import { nextStatus } from './booking-rules.js';
import type { HoldManagerDeps } from './ports.js';

/** The practice's list of its bookings (console). */
export function listBookingsForStaff(
  deps: HoldManagerDeps,
  request: CommandRequestParsed<'booking.list'>,
): Promise<CommandReply<'booking.list'>> {
  if (Date.parse(request.to) <= Date.parse(request.from)) {
    throw new AppError('DATE_RANGE_INVALID', 'the range must end after it starts');
  }
  return listStaffBookings(deps.pool, request);
}

export async function findBookingForStaff(
  deps: HoldManagerDeps,
  bookingId: string,
): Promise<CommandReply<'booking.find'>> {
  const found = await findStaffBooking(deps.pool, bookingId);
  if (!found) throw new AppError('NOT_FOUND', 'no booking with this id');
  return found;
}

/**
 * The practice cancels a confirmed booking, past the patient's cancellation deadline too: the
 * same step as the patient's own cancel (its slot is free at once, booking.cancelled tells the
 * patient and the practice calendar), marked as the practice's.
 */
export async function cancelByPractice(
  deps: HoldManagerDeps,
  request: CommandRequestParsed<'booking.cancelByPractice'>,
): Promise<CommandReply<'booking.cancelByPractice'>> {
  const now = deps.now();
  return inTransaction(deps.pool, async (client) => {
    const booking = await lockBooking(client, request.bookingId);
    if (!booking) throw new AppError('NOT_FOUND', 'no booking with this id');
    const status = nextStatus(booking.status, 'cancel');
    await endBooking(client, booking.id, status, now);
    await emit(
      client,
      'booking.cancelled',
      { booking: toSnapshot({ ...booking, status }), cancelledBy: 'practice' },
      now,
    );
    return { bookingId: booking.id, status: 'cancelled' as const };
  });
}
