import type { CommandReply, CommandRequest } from '@otk/contracts';
import type { Broker } from '@otk/messaging';
import type { Slot } from '../domain/booking.js';
import type { CheckSlot, FindAlternatives } from '../domain/ports.js';
import type { ListFreeSlots, ReadCatalogue } from '../domain/waitlist/waitlist-ports.js';

/**
 * Asks availability whether a slot is offered, and what it occupies (working hours, notice, S6 …).
 * Identical checks in flight at the same moment share one call: when hundreds of patients want the
 * same slot at once, availability is asked once per round trip, not once per patient. Nothing is
 * kept after the answer arrives, so no answer is older than the request that waits for it.
 */
export function availabilityClient(broker: Broker, timeoutMs: number): CheckSlot {
  const inFlight = new Map<string, Promise<Slot>>();
  return (request) => {
    const key = checkKey(request);
    const pending = inFlight.get(key);
    if (pending) return pending;
    const answer = broker
      .call('availability.checkSlot', request, { timeoutMs })
      .then(slotOf)
      .finally(() => inFlight.delete(key));
    inFlight.set(key, answer);
    return answer;
  };
}

function checkKey(request: CommandRequest<'availability.checkSlot'>): string {
  return [request.appointmentTypeId, request.practitionerId, Date.parse(request.start), request.visitKind ?? ''].join(
    '|',
  );
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

/** The next few free slots from availability (`availability.listSlots`). */
export function alternativesFinder(broker: Broker, timeoutMs: number): FindAlternatives {
  return async ({ appointmentTypeId, practitionerId, after, timeZone }) => {
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
  };
}

/** Made once per zone: a new `Intl.DateTimeFormat` for each hold costs native memory (see notification's local-time). */
const dateFormats = new Map<string, Intl.DateTimeFormat>();

/** yyyy-MM-dd of an instant in the practice's zone. */
function localDate(instant: Date, timeZone: string): string {
  let format = dateFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    dateFormats.set(timeZone, format);
  }
  return format.format(instant);
}

/** The practice's zone and its online catalogue (for a visit kind), asked together. */
export function catalogueReader(broker: Broker, timeoutMs: number): ReadCatalogue {
  return async (visitKind) => {
    const [practice, catalogue] = await Promise.all([
      broker.call('availability.getPractice', {}, { timeoutMs }),
      broker.call('availability.getCatalogue', visitKind ? { visitKind } : {}, { timeoutMs }),
    ]);
    return { timeZone: practice.timeZone, catalogue };
  };
}

/** The free slots availability lists for a type and a practitioner (or any) over some local days. */
export function freeSlotsReader(broker: Broker, timeoutMs: number): ListFreeSlots {
  return async ({ appointmentTypeId, practitionerId, from, to }) => {
    const reply = await broker.call(
      'availability.listSlots',
      { appointmentTypeId, practitionerId, from, to },
      { timeoutMs },
    );
    return { timeZone: reply.timeZone, slots: reply.days.flatMap((day) => day.slots) };
  };
}
