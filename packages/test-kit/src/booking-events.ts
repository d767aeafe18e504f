import { randomBytes, randomUUID } from 'node:crypto';
import { type BookingSnapshot, type Envelope, type EventData, createEvent } from '@otk/contracts';

/** A held booking 30 minutes long on one practitioner; each call is a new booking. */
export function aBookingSnapshot(overrides: Partial<BookingSnapshot> = {}): BookingSnapshot {
  const start = new Date(Date.UTC(2030, 0, 7, 8, 0));
  const end = new Date(start.getTime() + 30 * 60_000);
  return {
    bookingId: randomUUID(),
    status: 'held',
    appointmentTypeId: 'checkup',
    appointmentTypeName: { de: 'Kontrolle', fr: 'Contrôle', it: 'Controllo', en: 'Check-up' },
    practitionerId: 'dr-muster',
    practitionerName: 'Dr. med. dent. Eva Muster',
    timeZone: 'Europe/Zurich',
    start: start.toISOString(),
    end: end.toISOString(),
    occupiedFrom: start.toISOString(),
    occupiedUntil: end.toISOString(),
    occupants: [{ kind: 'practitioner', id: 'dr-muster' }],
    expiresAt: new Date(start.getTime() - 24 * 3600_000).toISOString(),
    changeableUntil: new Date(start.getTime() - 24 * 3600_000).toISOString(),
    language: 'de',
    channel: 'email',
    patient: { firstName: 'Anna', lastName: 'Beispiel', email: 'anna.beispiel@example.org' },
    ...overrides,
  };
}

/** A valid booking.held event; each call is a new event with a new id. */
export function aBookingHeldEvent(booking: Partial<BookingSnapshot> = {}): Envelope<EventData<'booking.held'>> {
  return createEvent('booking.held', {
    booking: aBookingSnapshot(booking),
    confirmToken: randomBytes(32).toString('base64url'),
  });
}
