import { AppError, type CommandReply, type CommandRequestParsed } from '@otk/contracts';
import { type Booking, toSnapshot, toView } from './booking.js';
import { announce, announceWithLink } from './booking-events.js';
import { assertBeforeCancellationDeadline, assertInFuture, changeableUntil, nextStatus } from './booking-rules.js';
import { expireOverdueHoldsInTheWay } from './expire-overdue-holds-in-the-way.js';
import { offeredSlot } from './offered-slot.js';
import type { HoldManagerDeps } from './ports.js';
import { assertPurpose, hashToken, newToken } from './token.js';

/** The booking behind a manage link that is still valid (until the appointment starts). */
async function bookingOfManageToken(deps: HoldManagerDeps, token: string, now: Date): Promise<string> {
  const found = await deps.bookings.findToken(hashToken(token));
  assertPurpose(found, 'manage');
  if (found.expiresAt.getTime() <= now.getTime()) throw new AppError('TOKEN_INVALID', 'this link is no longer valid');
  return found.bookingId;
}

/** What the manage link shows (F9). */
export async function getBooking(deps: HoldManagerDeps, token: string): Promise<CommandReply<'booking.get'>> {
  const now = deps.now();
  const booking = await deps.bookings.findBooking(await bookingOfManageToken(deps, token, now));
  if (!booking) throw new AppError('TOKEN_INVALID', 'this link is not valid');
  return toView(booking, now);
}

/**
 * Moves a confirmed booking to another offered slot (F9) in one transaction: the new occupancy is
 * taken and the old one freed together, or — when the new slot is taken — nothing changes. A new
 * manage token travels with `booking.changed`; the earlier links stay valid until the new start.
 */
export async function changeBooking(
  deps: HoldManagerDeps,
  request: CommandRequestParsed<'booking.change'>,
): Promise<CommandReply<'booking.change'>> {
  const bookingId = await bookingOfManageToken(deps, request.token, deps.now());
  const current = await deps.bookings.findBooking(bookingId);
  if (!current) throw new AppError('TOKEN_INVALID', 'this link is not valid');
  nextStatus(current.status, 'change');
  assertBeforeCancellationDeadline(current.changeableUntil, deps.now());
  assertInFuture(new Date(request.start), deps.now());
  const practitionerId = request.practitionerId ?? current.slot.practitionerId;
  // The same slot again (a double submit) changes nothing and sends no message.
  if (Date.parse(request.start) === current.slot.start.getTime() && practitionerId === current.slot.practitionerId) {
    return toView(current, deps.now());
  }
  const slot = await offeredSlot(deps, {
    appointmentTypeId: current.slot.appointmentTypeId,
    practitionerId,
    start: request.start,
    ...(current.visitKind ? { visitKind: current.visitKind } : {}),
  });
  const now = deps.now();
  return deps.bookings.inTransaction(async (tx) => {
    const booking = await tx.lockBooking(bookingId);
    if (!booking) throw new AppError('TOKEN_INVALID', 'this link is not valid');
    // Checked again under the lock: a cancel may have won the race since the first look.
    const status = nextStatus(booking.status, 'change');
    assertBeforeCancellationDeadline(booking.changeableUntil, now);
    const settings = await tx.settings();
    await tx.lockOccupation(slot);
    await expireOverdueHoldsInTheWay(tx, slot, now);
    const newChangeableUntil = changeableUntil(slot.start, settings);
    await tx.moveBooking(bookingId, slot, newChangeableUntil, now);
    await tx.extendManageTokens(bookingId, slot.start);
    const manageToken = newToken();
    await tx.insertToken({ hash: manageToken.hash, bookingId, purpose: 'manage', expiresAt: slot.start });
    const moved: Booking = { ...booking, status, slot, changeableUntil: newChangeableUntil };
    const { slot: previous } = booking;
    await announceWithLink(
      tx,
      'booking.changed',
      {
        booking: toSnapshot(moved),
        previous: {
          practitionerId: previous.practitionerId,
          start: previous.start.toISOString(),
          end: previous.end.toISOString(),
          occupiedFrom: previous.occupiedFrom.toISOString(),
          occupiedUntil: previous.occupiedUntil.toISOString(),
          occupants: previous.occupants,
        },
      },
      { manageToken: manageToken.value },
      now,
    );
    return toView(moved, now);
  });
}

/** Cancels a confirmed booking before the practice's cancellation deadline (F9, A3); its slot is free at once. */
export async function cancelBooking(deps: HoldManagerDeps, token: string): Promise<CommandReply<'booking.cancel'>> {
  const now = deps.now();
  const bookingId = await bookingOfManageToken(deps, token, now);
  return deps.bookings.inTransaction(async (tx) => {
    const booking = await tx.lockBooking(bookingId);
    if (!booking) throw new AppError('TOKEN_INVALID', 'this link is not valid');
    const status = nextStatus(booking.status, 'cancel');
    assertBeforeCancellationDeadline(booking.changeableUntil, now);
    await tx.endBooking(bookingId, status, now);
    await announce(tx, 'booking.cancelled', { booking: toSnapshot({ ...booking, status }) }, now);
    return { bookingId, status: 'cancelled' as const };
  });
}
