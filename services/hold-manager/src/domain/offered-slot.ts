import { AppError, type CommandRequest } from '@otk/contracts';
import { type Slot, activeBookingsNear } from '../data-access/booking.repository.js';
import type { HoldManagerDeps } from './ports.js';

/** How many nearby bookings are tried when availability calls a slot busy. */
const MAX_BLOCKERS_TRIED = 3;

/**
 * Availability judges whether a slot is offered; hold-manager alone judges whether it is taken
 * (its exclusion constraint). Availability's busy index also refuses busy slots with
 * SLOT_NOT_OFFERED, so when it refuses, the check is asked again ignoring each active booking
 * near that time: if the slot is offered but for that booking, the database decides — SLOT_TAKEN
 * to the patient, or a hold when the blocker was an overdue hold. See ADR 0021.
 */
export async function checkOfferedSlot(
  deps: Pick<HoldManagerDeps, 'pool' | 'checkSlot' | 'now'>,
  request: CommandRequest<'availability.checkSlot'>,
): Promise<Slot> {
  try {
    return await deps.checkSlot(request);
  } catch (error) {
    if (!(error instanceof AppError && error.code === 'SLOT_NOT_OFFERED') || request.ignoreBookingId) throw error;
    const near = await activeBookingsNear(deps.pool, new Date(request.start), MAX_BLOCKERS_TRIED);
    for (const bookingId of near) {
      try {
        return await deps.checkSlot({ ...request, ignoreBookingId: bookingId });
      } catch (retryError) {
        if (!(retryError instanceof AppError && retryError.code === 'SLOT_NOT_OFFERED')) throw retryError;
      }
    }
    throw error;
  }
}
