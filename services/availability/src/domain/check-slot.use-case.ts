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
 * lists slots decides (grid, hours, absences, holidays, notice, horizon, busy times), so a slot
 * shown is a slot that can be held. The reply says what the booking occupies (S6). Anything
 * else is SLOT_NOT_OFFERED.
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
  const [day] = computeSlots(
    slotQuery(catalogue, busy, {
      type,
      practitioners: [practitioner],
      from: date,
      to: date,
      now,
      ignoreBookingId: request.ignoreBookingId,
    }),
  );
  if (!day?.slots.some((slot) => slot.start === start)) throw refuse('no free slot starts then');
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
