import { AppError, type CommandRequest } from '@otk/contracts';
import { type Slot, activeBookingsNear } from '../data-access/booking.repository.js';
import type { HoldManagerDeps } from './ports.js';

/** How many nearby bookings are tried when availability calls a slot busy without naming them. */
const MAX_BLOCKERS_TRIED = 3;

/**
 * Availability judges whether a slot is offered; hold-manager alone judges whether it is taken
 * (its exclusion constraint). Availability's busy index refuses busy slots too, with
 * SLOT_NOT_OFFERED and `details.reason` 'busy' and the bookings in the way. Then the check is asked
 * again ignoring such a booking: if the slot is offered but for it, the database decides —
 * SLOT_TAKEN, or a hold when availability's view was stale (an overdue hold, a cancellation not
 * yet seen). Busy for any other reason is SLOT_TAKEN; 'not-offered' stays SLOT_NOT_OFFERED.
 * See ADR 21.
 */
export async function checkOfferedSlot(
  deps: Pick<HoldManagerDeps, 'pool' | 'checkSlot' | 'now'>,
  request: CommandRequest<'availability.checkSlot'>,
): Promise<Slot> {
  try {
    return await deps.checkSlot(request);
  } catch (error) {
    if (!isNotOffered(error) || request.ignoreBookingId) throw error;
    const details = error.details ?? {};
    if (details.reason === 'not-offered') throw error;
    const named = Array.isArray(details.blockingBookingIds) ? details.blockingBookingIds.map(String) : undefined;
    const candidates = named ?? (await activeBookingsNear(deps.pool, new Date(request.start), MAX_BLOCKERS_TRIED));
    if (details.reason === 'busy' && named?.length !== 1) throw taken();
    for (const bookingId of candidates.slice(0, MAX_BLOCKERS_TRIED)) {
      try {
        return await deps.checkSlot({ ...request, ignoreBookingId: bookingId });
      } catch (retryError) {
        if (!isNotOffered(retryError)) throw retryError;
      }
    }
    throw details.reason === 'busy' ? taken() : error;
  }
}

function isNotOffered(error: unknown): error is AppError {
  return error instanceof AppError && error.code === 'SLOT_NOT_OFFERED';
}

function taken(): AppError {
  return new AppError('SLOT_TAKEN', 'this time is no longer free');
}
