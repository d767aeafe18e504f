/**
 * What pixelmedics-sync needs from a practice-management system. Adapters: `builtin` (kept in
 * PostgreSQL by this service) and `http` (a ::pixelmedics connector speaking the documented JSON
 * contract, docs/api/practice-system.openapi.json). Every write carries an idempotency key, so a
 * retried call after a timeout never writes twice.
 */
export interface PracticeSystem {
  readCatalogue(): Promise<PracticeCatalogue>;
  /** Entries in the practice calendar made by staff (not by OTK) that overlap [from, to). */
  readBusyTimes(from: Date, to: Date): Promise<BusyTime[]>;
  findContacts(query: ContactQuery): Promise<Contact[]>;
  createProspect(data: ContactData, idempotencyKey: string): Promise<Contact>;
  appendNote(contactId: string, text: string, idempotencyKey: string): Promise<void>;
  addToPatientGroup(contactId: string, group: string, idempotencyKey: string): Promise<void>;
  createCalendarEntry(entry: CalendarEntryData, idempotencyKey: string): Promise<{ entryId: string }>;
  updateCalendarEntry(entryId: string, entry: CalendarEntryData, idempotencyKey: string): Promise<void>;
  deleteCalendarEntry(entryId: string, idempotencyKey: string): Promise<void>;
}

export interface PracticeCatalogue {
  practitioners: { id: string; name: string; resourceIds: string[] }[];
  resources: { id: string; name: string; kind: 'calendar' | 'room' | 'device' }[];
  appointmentTypes: { id: string; name: string; durationMinutes: number }[];
}

export interface BusyTime {
  entryId: string;
  start: string;
  end: string;
  practitionerId: string | null;
  resourceIds: string[];
}

export interface ContactQuery {
  lastName: string;
  firstName: string;
  birthDate: string;
}

export interface ContactData {
  firstName: string;
  lastName: string;
  birthDate?: string | undefined;
  gender?: string | undefined;
  street?: string | undefined;
  postcode?: string | undefined;
  town?: string | undefined;
  country?: string | undefined;
  phone?: string | undefined;
  email?: string | undefined;
}

export interface Contact extends ContactData {
  id: string;
  kind: 'patient' | 'prospect';
}

export type CalendarEntryStatus = 'provisional' | 'confirmed' | 'cancelled';

export interface CalendarEntryData {
  status: CalendarEntryStatus;
  label: string;
  colour: string;
  start: string;
  end: string;
  practitionerId: string;
  appointmentTypeId: string;
  /** Calendars and resources linked to the practitioner, occupied too (S6). */
  resourceIds: string[];
  contactId: string | null;
  /** The OTK booking, so staff and connectors can trace an entry back. */
  bookingId: string;
}

/** A practice system that answered with an error it will answer again: retrying does not help. */
export class PracticeSystemRejection extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PracticeSystemRejection';
  }
}
