import type { BookingSnapshot } from '@otk/contracts';
import type { ContactData } from './practice-system.port.js';

/** Patient groups of S5, exactly as the practice system knows them. */
export const patientGroups = {
  newProspect: 'NEW Online Termin-Kalender',
  cancelledProspect: 'STO_NEW Online-Termin-Kalender',
} as const;

/** The contact data a prospect is created with (S3): what the patient entered online. */
export function contactDataOf(booking: BookingSnapshot): ContactData {
  const { firstName, lastName, birthDate, gender, street, postcode, town, country, phone, email } = booking.patient;
  return { firstName, lastName, birthDate, gender, street, postcode, town, country, phone, email };
}

const noteFields: [keyof ContactData, string][] = [
  ['gender', 'Geschlecht'],
  ['street', 'Adresse'],
  ['postcode', 'PLZ'],
  ['town', 'Ort'],
  ['country', 'Land'],
  ['phone', 'Telefon'],
  ['email', 'E-Mail'],
];

/**
 * The note appended to an existing contact (S2): what the patient entered online, dated, so staff
 * can compare it with the master data, which is never overwritten.
 */
export function onlineDataNote(booking: BookingSnapshot, today: string): string {
  const data = contactDataOf(booking);
  const lines = noteFields.filter(([key]) => data[key]).map(([key, label]) => `${label}: ${data[key]}`);
  return [`Angaben aus der Online-Terminbuchung vom ${today}:`, ...lines].join('\n');
}

/** The note on a prospect created because several contacts matched (no automatic choice). */
export function ambiguousMatchNote(candidates: { id: string; firstName: string; lastName: string }[]): string {
  return [
    'Online-Terminbuchung: mehrere bestehende Kontakte passen (Name, Vorname, Geburtsdatum).',
    'Bitte prüfen und zusammenführen:',
    ...candidates.map((c) => `- ${c.lastName} ${c.firstName} (Kontakt ${c.id})`),
  ].join('\n');
}
