import { type EventData, type EventType, createEvent } from '@otk/contracts';
import type { BookingTransaction } from './ports.js';

type BookingEventType = {
  [T in EventType]: EventData<T> extends { booking: { bookingId: string } } ? T : never;
}[EventType];

/**
 * Announces a booking change: the event goes to the outbox of the transaction that makes the
 * change, filed under the booking's id (which stays once the outbox drops the event's data).
 */
export async function announce<T extends BookingEventType>(
  tx: BookingTransaction,
  type: T,
  data: EventData<T>,
  now: Date,
): Promise<void> {
  const { bookingId } = (data as { booking: { bookingId: string } }).booking;
  await tx.record(createEvent(type, data, now), bookingId);
}

/** The notice for notification that goes with each event giving the patient a new link. */
const noticeOf = {
  'booking.held': 'notice.bookingHeld',
  'booking.confirmed': 'notice.bookingConfirmed',
  'booking.changed': 'notice.bookingChanged',
} as const;
type LinkEventType = keyof typeof noticeOf;
type NoticeOf<T extends LinkEventType> = (typeof noticeOf)[T];

/**
 * Announces a change that gives the patient a new link: the event, without the token, to every
 * consumer; the notice, with the token, to notification alone. Both in the same transaction.
 */
export async function announceWithLink<T extends LinkEventType>(
  tx: BookingTransaction,
  type: T,
  data: EventData<T>,
  link: Omit<EventData<NoticeOf<T>>, keyof EventData<T>>,
  now: Date,
): Promise<void> {
  await announce(tx, type, data, now);
  await announce(tx, noticeOf[type], { ...data, ...link } as unknown as EventData<NoticeOf<T>>, now);
}
