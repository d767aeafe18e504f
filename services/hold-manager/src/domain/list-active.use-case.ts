import type { CommandReply } from '@otk/contracts';
import type { HoldManagerDeps } from './ports.js';

/** Every booking that blocks time after `from`; availability rebuilds its busy index from it. */
export async function listActive(
  deps: Pick<HoldManagerDeps, 'bookings' | 'now'>,
  from: string,
): Promise<CommandReply<'hold.listActive'>> {
  const bookings = await deps.bookings.listActive(new Date(from), deps.now());
  return {
    bookings: bookings.map((b) => ({
      bookingId: b.id,
      status: b.status,
      expiresAt: b.status === 'held' ? b.expiresAt.toISOString() : null,
      occupiedFrom: b.slot.occupiedFrom.toISOString(),
      occupiedUntil: b.slot.occupiedUntil.toISOString(),
      occupants: b.slot.occupants,
    })),
  };
}
