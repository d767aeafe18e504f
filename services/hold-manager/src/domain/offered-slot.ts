import { AppError, type CommandRequest } from '@otk/contracts';
import type { Slot } from './booking.js';
import { slotTaken } from './booking-rules.js';
import type { HoldManagerDeps } from './ports.js';

/**
 * Availability judges whether a time is an offered slot — by the practice's rules and the staff-made
 * entries of the practice calendar, never by OTK's own bookings — and what it occupies.
 * hold-manager alone judges whether it is taken, from its own tables (ADR 21). A slot the
 * practice's own staff have filled (`details.reason` 'busy') is taken from the patient's point of
 * view: SLOT_TAKEN, with alternatives. Any other refusal passes unchanged.
 */
export async function offeredSlot(
  deps: Pick<HoldManagerDeps, 'checkSlot'>,
  request: CommandRequest<'availability.checkSlot'>,
): Promise<Slot> {
  try {
    return await deps.checkSlot(request);
  } catch (error) {
    if (error instanceof AppError && error.code === 'SLOT_NOT_OFFERED' && error.details?.reason === 'busy') {
      throw slotTaken();
    }
    throw error;
  }
}
