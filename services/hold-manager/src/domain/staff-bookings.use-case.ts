import { AppError, type CommandReply, type CommandRequestParsed } from '@otk/contracts';
import { toSnapshot } from './booking.js';
import { announce } from './booking-events.js';
import { nextStatus } from './booking-rules.js';
import type { BookingRepository } from './ports.js';

/** The console's views of the bookings: a page of a range, and one booking with its history. */
export interface StaffBookingReads {
  list(query: CommandRequestParsed<'booking.list'>): Promise<CommandReply<'booking.list'>>;
  find(bookingId: string): Promise<CommandReply<'booking.find'> | undefined>;
}

export interface StaffBookingDeps {
  bookings: BookingRepository;
  staffBookings: StaffBookingReads;
  now: () => Date;
}

/** The practice's list of its bookings (console). */
export function listBookingsForStaff(
  deps: StaffBookingDeps,
  request: CommandRequestParsed<'booking.list'>,
): Promise<CommandReply<'booking.list'>> {
  if (Date.parse(request.to) <= Date.parse(request.from)) {
    throw new AppError('DATE_RANGE_INVALID', 'the range must end after it starts');
  }
  return deps.staffBookings.list(request);
}

export async function findBookingForStaff(
  deps: StaffBookingDeps,
  bookingId: string,
): Promise<CommandReply<'booking.find'>> {
  const found = await deps.staffBookings.find(bookingId);
  if (!found) throw new AppError('NOT_FOUND', 'no booking with this id');
  return found;
}

/**
 * The practice cancels a confirmed booking, past the patient's cancellation deadline too: the
 * same step as the patient's own cancel (its slot is free at once, booking.cancelled tells the
 * patient and the practice calendar), marked as the practice's, with the practice's reason for
 * the patient's message.
 */
export async function cancelByPractice(
  deps: StaffBookingDeps,
  request: CommandRequestParsed<'booking.cancelByPractice'>,
): Promise<CommandReply<'booking.cancelByPractice'>> {
  const now = deps.now();
  return deps.bookings.inTransaction(async (tx) => {
    const booking = await tx.lockBooking(request.bookingId);
    if (!booking) throw new AppError('NOT_FOUND', 'no booking with this id');
    const status = nextStatus(booking.status, 'cancel');
    await tx.endBooking(booking.id, status, now);
    await announce(
      tx,
      'booking.cancelled',
      { booking: toSnapshot({ ...booking, status }), cancelledBy: 'practice', reason: request.reason },
      now,
    );
    return { bookingId: booking.id, status: 'cancelled' as const };
  });
}
