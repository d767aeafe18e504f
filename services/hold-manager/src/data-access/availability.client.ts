import type { CommandReply } from '@otk/contracts';
import type { Broker } from '@otk/messaging';
import type { CheckSlot, FindAlternatives } from '../domain/ports.js';
import type { Slot } from './booking.repository.js';

/** Asks availability whether a slot is really offered, and what it occupies (working hours, notice, S6 …). */
export function availabilityClient(broker: Broker, timeoutMs: number): CheckSlot {
  return async (request) => slotOf(await broker.call('availability.checkSlot', request, { timeoutMs }));
}

export function slotOf(reply: CommandReply<'availability.checkSlot'>): Slot {
  return {
    ...reply,
    start: new Date(reply.start),
    end: new Date(reply.end),
    occupiedFrom: new Date(reply.occupiedFrom),
    occupiedUntil: new Date(reply.occupiedUntil),
  };
}

const ALTERNATIVES = 3;
const SEARCH_DAYS = 14;

/** The next few free slots from availability; none when it cannot answer, since they are only a courtesy. */
export function alternativesFinder(broker: Broker, timeoutMs: number): FindAlternatives {
  return async ({ appointmentTypeId, practitionerId, after, timeZone }) => {
    try {
      const reply = await broker.call(
        'availability.listSlots',
        {
          appointmentTypeId,
          practitionerId,
          from: localDate(after, timeZone ?? 'UTC'),
          to: localDate(new Date(after.getTime() + SEARCH_DAYS * 86400_000), timeZone ?? 'UTC'),
        },
        { timeoutMs },
      );
      return reply.days
        .flatMap((day) => day.slots)
        .filter((slot) => Date.parse(slot.start) > after.getTime())
        .slice(0, ALTERNATIVES);
    } catch {
      return [];
    }
  };
}

/** yyyy-MM-dd of an instant in the practice's zone. */
function localDate(instant: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(
    instant,
  );
}
