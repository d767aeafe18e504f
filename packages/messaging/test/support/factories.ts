import type { BookingSnapshot, CommandReply, CommandRequest, Envelope, EventData } from '@otk/contracts';
import { aBookingHeldEvent } from '@otk/test-kit';
import { randomUUID } from 'node:crypto';

export function bookingHeld(booking: Partial<BookingSnapshot> = {}): Envelope<EventData<'booking.held'>> {
  return aBookingHeldEvent(booking);
}

export function placeHoldRequest(overrides: Partial<CommandRequest<'hold.place'>> = {}): CommandRequest<'hold.place'> {
  return {
    appointmentTypeId: 'checkup',
    practitionerId: 'dr-muster',
    start: '2030-03-04T09:00:00Z',
    channel: 'email',
    patient: { firstName: 'Anna', lastName: 'Beispiel', email: 'anna@example.org' },
    consent: { accepted: true, privacyPolicyVersion: '2026-01' },
    ...overrides,
  };
}

export function placeHoldReply(): CommandReply<'hold.place'> {
  return { bookingId: randomUUID(), status: 'held', expiresAt: '2030-03-03T09:00:00Z' };
}
