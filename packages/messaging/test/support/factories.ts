import { type CommandReply, type CommandRequest, type Envelope, type EventData, createEvent } from '@otk/contracts';
import { randomUUID } from 'node:crypto';

export function bookingHeld(overrides: Partial<EventData<'booking.held'>> = {}): Envelope<EventData<'booking.held'>> {
  const start = new Date('2030-03-04T09:00:00Z');
  return createEvent('booking.held', {
    bookingId: randomUUID(),
    appointmentTypeId: 'checkup',
    practitionerId: 'dr-muster',
    start: start.toISOString(),
    end: new Date(start.getTime() + 30 * 60000).toISOString(),
    expiresAt: new Date(start.getTime() - 24 * 3600000).toISOString(),
    language: 'de',
    patient: { firstName: 'Anna', lastName: 'Beispiel', email: 'anna@example.org' },
    ...overrides,
  });
}

export function placeHoldRequest(overrides: Partial<CommandRequest<'hold.place'>> = {}): CommandRequest<'hold.place'> {
  return {
    appointmentTypeId: 'checkup',
    practitionerId: 'dr-muster',
    start: '2030-03-04T09:00:00Z',
    end: '2030-03-04T09:30:00Z',
    patient: { firstName: 'Anna', lastName: 'Beispiel', email: 'anna@example.org' },
    ...overrides,
  };
}

export function placeHoldReply(): CommandReply<'hold.place'> {
  return { bookingId: randomUUID(), status: 'held', expiresAt: '2030-03-03T09:00:00Z' };
}
