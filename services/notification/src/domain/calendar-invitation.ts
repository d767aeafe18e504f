import ical, { ICalAttendeeRole, ICalAttendeeStatus, ICalCalendarMethod, ICalEventStatus } from 'ical-generator';
import type { BookingSnapshot } from '@otk/contracts';
import type { PracticeSettings } from './practice-settings.js';
import { translations } from './messages/translations.js';

export interface CalendarInvitation {
  method: 'REQUEST' | 'CANCEL';
  filename: string;
  content: string;
}

/** One UID per booking, for its whole life: calendar clients update or remove the entry by it. */
export function calendarUid(bookingId: string, settings: PracticeSettings): string {
  return `booking-${bookingId}@${new URL(settings.siteUrl).hostname}`;
}

/**
 * The iTIP calendar file of a confirmed, changed or cancelled booking (RFC 5546): REQUEST puts
 * the appointment into the patient's calendar and, with a higher SEQUENCE, moves it; CANCEL
 * removes it. Times are written in UTC, which every client shows in the reader's own zone.
 */
export function calendarInvitation(input: {
  booking: BookingSnapshot;
  method: 'REQUEST' | 'CANCEL';
  sequence: number;
  /** When the event happened: DTSTAMP, so a redelivered event gives the same file. */
  stamp: string;
  patientEmail: string;
  language: keyof typeof translations;
  settings: PracticeSettings;
}): CalendarInvitation {
  const { booking, settings } = input;
  const typeName = booking.appointmentTypeName[input.language] ?? booking.appointmentTypeName.de;
  const calendar = ical({
    prodId: { company: 'OTK', product: 'online appointments', language: input.language.toUpperCase() },
    method: input.method === 'REQUEST' ? ICalCalendarMethod.REQUEST : ICalCalendarMethod.CANCEL,
  });
  calendar.createEvent({
    id: calendarUid(booking.bookingId, settings),
    sequence: input.sequence,
    stamp: new Date(input.stamp),
    start: new Date(booking.start),
    end: new Date(booking.end),
    summary: `${typeName} – ${settings.practiceName}`,
    description: [`${translations[input.language].labels.practitioner}: ${booking.practitionerName}`, settings.phone]
      .filter((line) => line.trim())
      .join('\n'),
    location: [settings.practiceName, settings.address].filter((part) => part.trim()).join(', '),
    status: input.method === 'REQUEST' ? ICalEventStatus.CONFIRMED : ICalEventStatus.CANCELLED,
    organizer: { name: settings.senderName, email: settings.senderAddress },
    attendees: [
      {
        email: input.patientEmail,
        role: ICalAttendeeRole.REQ,
        status: input.method === 'REQUEST' ? ICalAttendeeStatus.ACCEPTED : ICalAttendeeStatus.DECLINED,
        rsvp: false,
      },
    ],
  });
  return {
    method: input.method,
    filename: input.method === 'REQUEST' ? 'appointment.ics' : 'cancellation.ics',
    content: calendar.toString(),
  };
}
