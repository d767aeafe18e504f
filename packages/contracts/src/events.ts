import { z } from 'zod';
import {
  bookingCancelledV1,
  bookingChangedNoticeV1,
  bookingChangedV1,
  bookingConfirmedNoticeV1,
  bookingConfirmedV1,
  bookingExpiredV1,
  bookingHeldNoticeV1,
  bookingHeldV1,
  bookingWithdrawnV1,
  holdExpiryDueV1,
} from './booking.js';
import { type Envelope, envelope, envelopeSchema } from './envelope.js';
import { exchanges } from './names.js';
import { busyTimesImportedV1, catalogueImportedV1 } from './practice.js';
import { practiceProfileChangedV1 } from './settings.js';
import {
  waitlistConfirmedNoticeV1,
  waitlistJoinedNoticeV1,
  waitlistOfferedNoticeV1,
  waitlistOfferedV1,
} from './waitlist.js';

/**
 * Every event, on the `events` exchange (or, for notices, the `notices` exchange). The key is the
 * routing key. Never rename one without a migration: queues are bound by these names. A new
 * incompatible shape is a new version.
 */
export const events = {
  'booking.held': { version: 1, schema: bookingHeldV1 },
  'booking.confirmed': { version: 1, schema: bookingConfirmedV1 },
  'booking.expired': { version: 1, schema: bookingExpiredV1 },
  'booking.withdrawn': { version: 1, schema: bookingWithdrawnV1 },
  'booking.changed': { version: 1, schema: bookingChangedV1 },
  'booking.cancelled': { version: 1, schema: bookingCancelledV1 },
  'hold.expiryDue': { version: 1, schema: holdExpiryDueV1 },
  'practice.busyTimesImported': { version: 1, schema: busyTimesImportedV1 },
  'practice.catalogueImported': { version: 1, schema: catalogueImportedV1 },
  'practice.profileChanged': { version: 1, schema: practiceProfileChangedV1 },
  'notice.bookingHeld': { version: 1, schema: bookingHeldNoticeV1 },
  'notice.bookingConfirmed': { version: 1, schema: bookingConfirmedNoticeV1 },
  'notice.bookingChanged': { version: 1, schema: bookingChangedNoticeV1 },
  'waitlist.offered': { version: 1, schema: waitlistOfferedV1 },
  'notice.waitlistJoined': { version: 1, schema: waitlistJoinedNoticeV1 },
  'notice.waitlistConfirmed': { version: 1, schema: waitlistConfirmedNoticeV1 },
  'notice.waitlistOffered': { version: 1, schema: waitlistOfferedNoticeV1 },
} as const;

export type EventType = keyof typeof events;

/**
 * The messages that carry a patient's link token: published on the `notices` exchange, which only
 * notification's queue is bound to, never on the broadcast `events` exchange.
 */
export const noticeTypes = [
  'notice.bookingHeld',
  'notice.bookingConfirmed',
  'notice.bookingChanged',
  'notice.waitlistJoined',
  'notice.waitlistConfirmed',
  'notice.waitlistOffered',
] as const satisfies readonly EventType[];

/** The exchange an event is published on and bound from. */
export function exchangeOf(type: string): (typeof exchanges)['events' | 'notices'] {
  return (noticeTypes as readonly string[]).includes(type) ? exchanges.notices : exchanges.events;
}
export type EventData<T extends EventType> = z.infer<(typeof events)[T]['schema']>;
export type Event = { [T in EventType]: Envelope<EventData<T>> & { type: T } }[EventType];
/** The event of one type (or of each type of a union), as a handler registered for it receives it. */
export type EventOf<T extends EventType> = Extract<Event, { type: T }>;

export function createEvent<T extends EventType>(
  type: T,
  data: EventData<T>,
  occurredAt?: Date,
): Envelope<EventData<T>> {
  return envelope(type, events[type].version, events[type].schema.parse(data) as EventData<T>, occurredAt);
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; reason: string };

/** Validates an envelope and its data against the catalogue. Unknown types and versions are refused. */
export function parseEvent(raw: unknown): ParseResult<Event> {
  const outer = envelopeSchema.safeParse(raw);
  if (!outer.success) return { ok: false, reason: `envelope: ${z.prettifyError(outer.error)}` };
  const { type, version } = outer.data;
  // A type is named only if it looks like one: the reason goes into logs and dead-letter headers.
  if (!Object.hasOwn(events, type))
    return { ok: false, reason: `unknown event type${/^[a-z][\w.-]{0,63}$/i.test(type) ? ` ${type}` : ''}` };
  const spec = events[type as EventType];
  if (spec.version !== version) return { ok: false, reason: `unsupported version ${version} of ${type}` };
  const data = spec.schema.safeParse(outer.data.data);
  if (!data.success) return { ok: false, reason: `${type}: ${z.prettifyError(data.error)}` };
  return { ok: true, value: { ...outer.data, type, data: data.data } as Event };
}

/** The events of a booking's life, for consumers that follow every booking. */
export const bookingEventTypes = [
  'booking.held',
  'booking.confirmed',
  'booking.expired',
  'booking.withdrawn',
  'booking.changed',
  'booking.cancelled',
] as const satisfies readonly EventType[];

/** The events that free time a waiting patient may want: hold-manager's waiting list follows them (ADR 26). */
export const releasingEventTypes = [
  'booking.expired',
  'booking.withdrawn',
  'booking.cancelled',
  'booking.changed',
] as const satisfies readonly EventType[];
