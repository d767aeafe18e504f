import type { BookingSnapshot } from '@otk/contracts';
import type { CalendarEntryData, CalendarEntryStatus } from './practice-system.port.js';

const labels: Record<CalendarEntryStatus, string> = {
  provisional: 'Online-Termin (provisorisch)',
  confirmed: 'Online-Termin',
  cancelled: 'Online-Termin (storniert)',
};

/**
 * The practice-calendar entry for a booking (S4, S6, D3): labelled "Online-Termin" in the online
 * colour, on the practitioner and on every calendar/resource the booking occupies.
 */
export function calendarEntryFor(
  booking: BookingSnapshot,
  status: CalendarEntryStatus,
  onlineColour: string,
  contactId: string | null,
): CalendarEntryData {
  return {
    status,
    label: `${labels[status]}: ${booking.appointmentTypeName.de}`,
    colour: onlineColour,
    start: booking.start,
    end: booking.end,
    practitionerId: booking.practitionerId,
    appointmentTypeId: booking.appointmentTypeId,
    resourceIds: booking.occupants.filter((o) => o.kind === 'resource').map((o) => o.id),
    contactId,
    bookingId: booking.bookingId,
  };
}
