import { type Event, type EventOf, bookingEventTypes } from '@otk/contracts';
import { calendarEntryFor } from './calendar-entry.js';
import { matchContact } from './contact-matching.js';
import { ambiguousMatchNote, contactDataOf, onlineDataNote, patientGroups } from './contact-records.js';
import type { PracticeSystem } from './practice-system.port.js';

/** What the sync remembers of a booking between its events. */
export interface BookingSyncState {
  entryId: string | null;
  contactId: string | null;
  /** This booking created the contact as a prospect (S3/S5). */
  prospectCreated: boolean;
}

export const emptySyncState: BookingSyncState = { entryId: null, contactId: null, prospectCreated: false };

/** The events of a booking's life, the ones the sync applies. */
export type BookingEvent = EventOf<(typeof bookingEventTypes)[number]>;

/** For events read back from the job table: only booking events are ever kept there. */
export function isBookingEvent(event: Event): event is BookingEvent {
  return (bookingEventTypes as readonly string[]).includes(event.type);
}

/**
 * Brings the practice system in line with one booking event (S1–S6, D3). Each write is keyed by
 * the event id and its step, so a retry after a partial failure repeats nothing.
 */
export async function syncBookingEvent(
  practice: PracticeSystem,
  event: BookingEvent,
  state: BookingSyncState,
  settings: { onlineColour: string; today: string },
): Promise<BookingSyncState> {
  const { booking } = event.data;
  const key = (step: string) => `${event.id}:${step}`;
  const next = { ...state };

  const upsertEntry = async (status: 'provisional' | 'confirmed' | 'cancelled') => {
    const entry = calendarEntryFor(booking, status, settings.onlineColour, next.contactId);
    if (next.entryId) await practice.updateCalendarEntry(next.entryId, entry, key('entry'));
    else next.entryId = (await practice.createCalendarEntry(entry, key('entry'))).entryId;
  };

  switch (event.type) {
    case 'booking.held':
      await upsertEntry('provisional');
      break;
    case 'booking.confirmed':
      if (!next.contactId) await assignContact(practice, event, next, settings.today);
      await upsertEntry('confirmed');
      break;
    case 'booking.changed':
      await upsertEntry('confirmed');
      break;
    case 'booking.expired':
    case 'booking.withdrawn':
      if (next.entryId) await practice.deleteCalendarEntry(next.entryId, key('entry'));
      next.entryId = null;
      break;
    case 'booking.cancelled':
      if (next.prospectCreated && next.contactId) {
        await practice.addToPatientGroup(next.contactId, patientGroups.cancelledProspect, key('group'));
      }
      if (next.entryId) await upsertEntry('cancelled');
      break;
  }
  return next;
}

async function assignContact(
  practice: PracticeSystem,
  event: BookingEvent,
  state: BookingSyncState,
  today: string,
): Promise<void> {
  const { booking } = event.data;
  const key = (step: string) => `${event.id}:${step}`;
  const { firstName, lastName, birthDate } = booking.patient;
  // Without a birth date S1 cannot match safely: the booking becomes a prospect.
  const match = birthDate
    ? matchContact(await practice.findContacts({ firstName, lastName, birthDate }), { firstName, lastName, birthDate })
    : ({ kind: 'none' } as const);

  if (match.kind === 'one') {
    await practice.appendNote(match.contact.id, onlineDataNote(booking, today), key('note'));
    state.contactId = match.contact.id;
    return;
  }
  const prospect = await practice.createProspect(contactDataOf(booking), key('prospect'));
  state.contactId = prospect.id;
  state.prospectCreated = true;
  await practice.addToPatientGroup(prospect.id, patientGroups.newProspect, key('group'));
  if (match.kind === 'ambiguous') {
    await practice.appendNote(prospect.id, ambiguousMatchNote(match.candidates), key('note'));
  }
}
