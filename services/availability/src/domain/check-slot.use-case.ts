import { AppError, type CommandReply, type CommandRequestParsed } from '@otk/contracts';
import type { BusyIndex } from './busy-index.js';
import { type Catalogue, occupantsOf } from './catalogue.js';
import { formatLocal } from './format-local.js';
import { bookableType, practitionersFor, slotQuery } from './list-slots.use-case.js';
import { localDateOf } from './local-day.js';
import { computeSlots } from './slots.js';

const MINUTE = 60_000;

/**
 * Is `start` a slot the practice offers now, for this type and practitioner? The same engine that
 * lists slots decides (grid, hours, absences, holidays, notice, horizon, the staff-made entries of
 * the practice calendar), so a slot shown is a slot that can be held. OTK's own bookings play no
 * part here: whether a slot is taken, hold-manager alone decides from its tables (ADR 21). The
 * reply says what the booking occupies (S6). Anything else is SLOT_NOT_OFFERED, with
 * `details.reason`: 'busy' (offered but for an entry of the practice calendar) or 'not-offered'.
 */
export function checkSlot(
  catalogue: Catalogue,
  busy: BusyIndex,
  request: CommandRequestParsed<'availability.checkSlot'>,
  now: number,
): CommandReply<'availability.checkSlot'> {
  const refuse = (why: string) =>
    new AppError('SLOT_NOT_OFFERED', `this time is not offered: ${why}`, {
      appointmentTypeId: request.appointmentTypeId,
      practitionerId: request.practitionerId,
      start: request.start,
      reason: 'not-offered',
    });
  const { type, practitioner } = (() => {
    try {
      const type = bookableType(catalogue, request.appointmentTypeId);
      return { type, practitioner: practitionersFor(catalogue, type, request.practitionerId)[0] };
    } catch (error) {
      throw error instanceof AppError ? refuse(error.message) : error;
    }
  })();
  if (request.practitionerId === 'any' || !practitioner) throw refuse('a practitioner must be named');
  if (request.visitKind && !type.visitKinds.includes(request.visitKind)) {
    throw refuse(`${type.id} is not offered for visit kind ${request.visitKind}`);
  }
  const start = Date.parse(request.start);
  const zone = catalogue.practice.timeZone;
  const date = localDateOf(start, zone);
  const query = slotQuery(catalogue, busy, {
    type,
    practitioners: [practitioner],
    from: date,
    to: date,
    now,
    busySources: 'practice-calendar',
  });
  const offers = (q: typeof query) => computeSlots(q)[0]?.slots.some((slot) => slot.start === start) ?? false;
  if (!offers(query)) {
    // Would it be offered but for the practice calendar? Then the practice has filled it itself.
    const free = { ...query, practitioners: query.practitioners.map((p) => ({ ...p, busy: [] })) };
    if (!offers(free)) throw refuse('no slot starts then');
    throw new AppError('SLOT_NOT_OFFERED', 'this time is not offered: the practice calendar has it', {
      appointmentTypeId: request.appointmentTypeId,
      practitionerId: request.practitionerId,
      start: request.start,
      reason: 'busy',
    });
  }
  const end = start + type.durationMinutes * MINUTE;
  return {
    appointmentTypeId: type.id,
    appointmentTypeName: type.name,
    practitionerId: practitioner.id,
    practitionerName: practitioner.displayName,
    timeZone: zone,
    start: formatLocal(start, zone),
    end: formatLocal(end, zone),
    occupiedFrom: formatLocal(start - type.bufferBeforeMinutes * MINUTE, zone),
    occupiedUntil: formatLocal(end + type.bufferAfterMinutes * MINUTE, zone),
    occupants: occupantsOf(practitioner),
  };
}
