import { randomBytes, randomUUID } from 'node:crypto';
import {
  type BookingSnapshot,
  type EventData,
  type EventOf,
  type EventType,
  type WaitlistEntrySnapshot,
  type WaitlistOffer,
  createEvent,
} from '@otk/contracts';

/** One event of the catalogue with its literal type, as a consumer's handler receives it. */
export type { EventOf };

function anEvent<T extends EventType>(type: T, data: EventData<T>): EventOf<T> {
  // createEvent types the envelope's `type` as any string; here it is the literal T.
  return createEvent(type, data) as unknown as EventOf<T>;
}

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
export function aBookingHeldEvent(booking: Partial<BookingSnapshot> = {}): EventOf<'booking.held'> {
  return anEvent('booking.held', { booking: aBookingSnapshot(booking) });
}

function aToken(): string {
  return randomBytes(32).toString('base64url');
}

/** A valid notice.bookingHeld, the held booking with its confirm token, as notification receives it. */
export function aBookingHeldNotice(booking: Partial<BookingSnapshot> = {}): EventOf<'notice.bookingHeld'> {
  return anEvent('notice.bookingHeld', { booking: aBookingSnapshot(booking), confirmToken: aToken() });
}

/** A valid booking.confirmed event; pass the held booking to confirm that one. */
export function aBookingConfirmedEvent(booking: Partial<BookingSnapshot> = {}): EventOf<'booking.confirmed'> {
  return anEvent('booking.confirmed', {
    booking: aBookingSnapshot({ ...booking, status: 'confirmed', expiresAt: null }),
  });
}

/** A valid notice.bookingConfirmed, the confirmed booking with its manage token. */
export function aBookingConfirmedNotice(booking: Partial<BookingSnapshot> = {}): EventOf<'notice.bookingConfirmed'> {
  const { data } = aBookingConfirmedEvent(booking);
  return anEvent('notice.bookingConfirmed', { ...data, manageToken: aToken() });
}

/** A valid booking.changed event: the booking moved from `previous` (default: one day earlier) to its new slot. */
export function aBookingChangedEvent(
  booking: Partial<BookingSnapshot> = {},
  previous: { start?: string; end?: string; practitionerId?: string } = {},
): EventOf<'booking.changed'> {
  const snapshot = aBookingSnapshot({ ...booking, status: 'confirmed', expiresAt: null });
  const start = previous.start ?? new Date(Date.parse(snapshot.start) - 24 * 3600_000).toISOString();
  const end =
    previous.end ?? new Date(Date.parse(start) + (Date.parse(snapshot.end) - Date.parse(snapshot.start))).toISOString();
  return anEvent('booking.changed', {
    booking: snapshot,
    previous: {
      practitionerId: previous.practitionerId ?? snapshot.practitionerId,
      start,
      end,
      occupiedFrom: start,
      occupiedUntil: end,
      occupants: snapshot.occupants,
    },
  });
}

/** A valid notice.bookingChanged, the moved booking with its new manage token. */
export function aBookingChangedNotice(
  booking: Partial<BookingSnapshot> = {},
  previous: { start?: string; end?: string; practitionerId?: string } = {},
): EventOf<'notice.bookingChanged'> {
  const { data } = aBookingChangedEvent(booking, previous);
  return anEvent('notice.bookingChanged', { ...data, manageToken: aToken() });
}

/** A valid booking.cancelled event. */
export function aBookingCancelledEvent(booking: Partial<BookingSnapshot> = {}): EventOf<'booking.cancelled'> {
  return anEvent('booking.cancelled', {
    booking: aBookingSnapshot({ ...booking, status: 'cancelled', expiresAt: null }),
  });
}

/** A booking.cancelled event of a cancel by the practice, with its reason for the patient. */
export function aBookingCancelledByPracticeEvent(
  reason: string,
  booking: Partial<BookingSnapshot> = {},
): EventOf<'booking.cancelled'> {
  return anEvent('booking.cancelled', {
    booking: aBookingSnapshot({ ...booking, status: 'cancelled', expiresAt: null }),
    cancelledBy: 'practice',
    reason,
  });
}

/** A valid booking.expired event. */
export function aBookingExpiredEvent(booking: Partial<BookingSnapshot> = {}): EventOf<'booking.expired'> {
  return anEvent('booking.expired', {
    booking: aBookingSnapshot({ ...booking, status: 'expired', expiresAt: null }),
  });
}

/** A valid booking.withdrawn event. */
export function aBookingWithdrawnEvent(booking: Partial<BookingSnapshot> = {}): EventOf<'booking.withdrawn'> {
  return anEvent('booking.withdrawn', {
    booking: aBookingSnapshot({ ...booking, status: 'withdrawn', expiresAt: null }),
  });
}

/** A confirmed place on the waiting list for a check-up with Dr. Muster in January 2030; each call a new one. */
export function aWaitlistEntrySnapshot(overrides: Partial<WaitlistEntrySnapshot> = {}): WaitlistEntrySnapshot {
  return {
    entryId: randomUUID(),
    status: 'waiting',
    appointmentTypeId: 'checkup',
    appointmentTypeName: { de: 'Kontrolle', fr: 'Contrôle', it: 'Controllo', en: 'Check-up' },
    practitionerId: 'dr-muster',
    practitionerName: 'Dr. med. dent. Eva Muster',
    firstDay: '2030-01-06',
    lastDay: '2030-01-31',
    timeZone: 'Europe/Zurich',
    language: 'de',
    channel: 'email',
    patient: { firstName: 'Wanda', lastName: 'Warteliste', email: 'wanda.warteliste@example.org' },
    ...overrides,
  };
}

/** A valid notice.waitlistJoined: a new, pending place with its confirm token. */
export function aWaitlistJoinedNotice(entry: Partial<WaitlistEntrySnapshot> = {}): EventOf<'notice.waitlistJoined'> {
  return anEvent('notice.waitlistJoined', {
    entry: aWaitlistEntrySnapshot({ status: 'pending', ...entry }),
    confirmToken: aToken(),
    confirmBy: new Date(Date.UTC(2029, 11, 20, 9, 15)).toISOString(),
  });
}

/** A valid notice.waitlistConfirmed: the place is on the list, with the leave token. */
export function aWaitlistConfirmedNotice(
  entry: Partial<WaitlistEntrySnapshot> = {},
): EventOf<'notice.waitlistConfirmed'> {
  return anEvent('notice.waitlistConfirmed', { entry: aWaitlistEntrySnapshot(entry), leaveToken: aToken() });
}

/** A freed 30-minute check-up offered to the entry. */
function anOffer(entry: WaitlistEntrySnapshot): WaitlistOffer {
  const start = new Date(Date.UTC(2030, 0, 7, 8, 0));
  return {
    offerId: randomUUID(),
    appointmentTypeId: entry.appointmentTypeId,
    appointmentTypeName: entry.appointmentTypeName,
    practitionerId: entry.practitionerId ?? 'dr-muster',
    practitionerName: entry.practitionerName ?? 'Dr. med. dent. Eva Muster',
    timeZone: entry.timeZone,
    start: start.toISOString(),
    end: new Date(start.getTime() + 30 * 60_000).toISOString(),
  };
}

/** A valid waitlist.offered event (no token), as webhooks receive it. */
export function aWaitlistOfferedEvent(entry: Partial<WaitlistEntrySnapshot> = {}): EventOf<'waitlist.offered'> {
  const snapshot = aWaitlistEntrySnapshot(entry);
  return anEvent('waitlist.offered', { entry: snapshot, offer: anOffer(snapshot) });
}

/** A valid notice.waitlistOffered: the offer with its offer and leave tokens, as notification receives it. */
export function aWaitlistOfferedNotice(entry: Partial<WaitlistEntrySnapshot> = {}): EventOf<'notice.waitlistOffered'> {
  const { data } = aWaitlistOfferedEvent(entry);
  return anEvent('notice.waitlistOffered', { ...data, offerToken: aToken(), leaveToken: aToken() });
}
