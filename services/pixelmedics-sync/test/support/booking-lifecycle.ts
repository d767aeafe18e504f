import { type BookingSnapshot, type Envelope, type EventType, createEvent } from '@otk/contracts';
import { aBookingSnapshot } from '@otk/test-kit';

let clock = Date.UTC(2030, 0, 1);

/**
 * The events of one booking's life, each a moment after the previous one, as hold-manager emits
 * them. `patient` and `booking` override the snapshot.
 */
export function aBookingLife(booking: Partial<BookingSnapshot> = {}) {
  let snapshot = aBookingSnapshot({
    occupants: [
      { kind: 'practitioner', id: 'dr-muster' },
      { kind: 'resource', id: 'room-1' },
    ],
    ...booking,
    patient: {
      firstName: 'Zoë',
      lastName: 'Müller',
      birthDate: '1980-04-12',
      gender: 'female',
      street: 'Bahnhofstrasse 1',
      postcode: '8001',
      town: 'Zürich',
      country: 'CH',
      phone: '+41791234567',
      email: 'zoe.mueller@example.ch',
      ...booking.patient,
    },
  });
  const next = (type: EventType, changes: Partial<BookingSnapshot>, extra: Record<string, unknown> = {}) => {
    snapshot = { ...snapshot, ...changes };
    clock += 1000;
    return createEvent(type, { booking: snapshot, ...extra } as never, new Date(clock)) as Envelope<{
      booking: BookingSnapshot;
    }>;
  };
  return {
    get booking() {
      return snapshot;
    },
    held: () => next('booking.held', { status: 'held' }),
    confirmed: () => next('booking.confirmed', { status: 'confirmed', expiresAt: null }),
    expired: () => next('booking.expired', { status: 'expired', expiresAt: null }),
    cancelled: () => next('booking.cancelled', { status: 'cancelled' }),
    changed: (start: string, end: string) => {
      const previous = {
        practitionerId: snapshot.practitionerId,
        start: snapshot.start,
        end: snapshot.end,
        occupiedFrom: snapshot.occupiedFrom,
        occupiedUntil: snapshot.occupiedUntil,
        occupants: snapshot.occupants,
      };
      return next('booking.changed', { start, end, occupiedFrom: start, occupiedUntil: end }, { previous });
    },
  };
}
