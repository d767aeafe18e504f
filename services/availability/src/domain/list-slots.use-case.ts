import { AppError, type CommandReply, type CommandRequestParsed, maxAvailabilityRangeDays } from '@otk/contracts';
import type { BusyIndex, BusySources } from './busy-index.js';
import { type AppointmentType, type Catalogue, type Practitioner, absencesOf, occupantsOf } from './catalogue.js';
import { daysBetween, localDateOf, localDay, nextDate } from './local-day.js';
import { type PractitionerSchedule, type SlotQuery, computeSlots } from './slots.js';
import { formatLocal } from './format-local.js';

const DAY = 86_400_000;

/** A type that patients may book online, or APPOINTMENT_TYPE_UNKNOWN. */
export function bookableType(catalogue: Catalogue, id: string): AppointmentType {
  const type = catalogue.types.find((t) => t.id === id);
  if (!type || !type.onlineBookable || type.practitionerIds.length === 0) {
    throw new AppError('APPOINTMENT_TYPE_UNKNOWN', `no appointment type ${id} can be booked online`, {
      appointmentTypeId: id,
    });
  }
  return type;
}

/** The practitioners a request means: one who offers the type, or all who do ('any'). */
export function practitionersFor(catalogue: Catalogue, type: AppointmentType, id: string): Practitioner[] {
  if (id === 'any') return catalogue.practitioners.filter((p) => type.practitionerIds.includes(p.id));
  const practitioner = catalogue.practitioners.find((p) => p.id === id);
  if (!practitioner) throw new AppError('PRACTITIONER_UNKNOWN', `no practitioner ${id}`, { practitionerId: id });
  if (!type.practitionerIds.includes(id)) {
    throw new AppError('PRACTITIONER_NOT_OFFERING_TYPE', `${id} does not offer ${type.id}`, {
      practitionerId: id,
      appointmentTypeId: type.id,
    });
  }
  return [practitioner];
}

/** Everything the slot engine needs for `practitioners` over the local dates `from`…`to`. */
export function slotQuery(
  catalogue: Catalogue,
  busy: BusyIndex,
  input: {
    type: AppointmentType;
    practitioners: Practitioner[];
    from: string;
    to: string;
    now: number;
    /** All busy times by default; the practice calendar's alone for whether a slot is offered at all. */
    busySources?: BusySources;
  },
): SlotQuery {
  const { practice } = catalogue;
  const zone = practice.timeZone;
  // Wide enough for any buffer and a slot that runs past midnight.
  const range = { from: localDay(input.from, zone).start - DAY, until: localDay(nextDate(input.to), zone).end + DAY };
  const practitioners: PractitionerSchedule[] = input.practitioners.map((p) => ({
    id: p.id,
    weeklyHours: p.weeklyHours,
    absences: absencesOf(catalogue, p.id),
    busy: busy.busyFor(occupantsOf(p), range, input.now, input.busySources),
  }));
  return {
    rules: {
      timeZone: zone,
      granularityMinutes: practice.granularityMinutes,
      minimumNoticeMinutes: practice.minimumNoticeMinutes,
      bookingHorizonDays: practice.bookingHorizonDays,
    },
    type: input.type,
    from: input.from,
    to: input.to,
    now: input.now,
    isClosed: catalogue.isHoliday,
    practitioners,
  };
}

/** F4/F5: the free slots of a type per local day, for one practitioner or for 'any'. */
export function listSlots(
  catalogue: Catalogue,
  busy: BusyIndex,
  request: CommandRequestParsed<'availability.listSlots'>,
  now: number,
): CommandReply<'availability.listSlots'> {
  const span = daysBetween(request.from, request.to);
  if (span < 0) {
    throw new AppError('DATE_RANGE_INVALID', `to (${request.to}) lies before from (${request.from})`);
  }
  if (span + 1 > maxAvailabilityRangeDays) {
    throw new AppError('DATE_RANGE_INVALID', `a range covers at most ${maxAvailabilityRangeDays} days`, {
      days: span + 1,
    });
  }
  const zone = catalogue.practice.timeZone;
  // Nothing in the past can be booked; a day of slack keeps a device in another time zone in.
  const earliest = localDateOf(now - 86_400_000, zone);
  if (request.from < earliest) {
    throw new AppError('DATE_RANGE_INVALID', `from (${request.from}) lies before ${earliest}`, { earliest });
  }
  const type = bookableType(catalogue, request.appointmentTypeId);
  const practitioners = practitionersFor(catalogue, type, request.practitionerId);
  const days = computeSlots(
    slotQuery(catalogue, busy, { type, practitioners, from: request.from, to: request.to, now }),
  );
  return {
    timeZone: zone,
    days: days.map((day) => ({
      date: day.date,
      slots: day.slots.map((slot) => ({
        start: formatLocal(slot.start, zone),
        end: formatLocal(slot.end, zone),
        practitionerId: slot.practitionerId,
      })),
    })),
  };
}
