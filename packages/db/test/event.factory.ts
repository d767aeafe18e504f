import { randomUUID } from 'node:crypto';
import { type BookingHeldV1, type Envelope, createEvent } from '@otk/contracts';

/** A valid booking.held event; each call is a new event with a new id. */
export function aBookingHeldEvent(overrides: Partial<BookingHeldV1> = {}): Envelope<BookingHeldV1> {
  const start = new Date(Date.UTC(2030, 0, 7, 8, 0));
  return createEvent('booking.held', {
    bookingId: randomUUID(),
    appointmentTypeId: 'check-up',
    practitionerId: 'practitioner-1',
    start: start.toISOString(),
    end: new Date(start.getTime() + 30 * 60_000).toISOString(),
    expiresAt: new Date(start.getTime() - 24 * 3600_000).toISOString(),
    language: 'de',
    patient: { firstName: 'Anna', lastName: 'Muster', email: 'anna.muster@example.org' },
    ...overrides,
  });
}
