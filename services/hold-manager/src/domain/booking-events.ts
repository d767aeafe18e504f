import { AppError, type EventData, type EventType, createEvent } from '@otk/contracts';
import { appendToOutbox } from '@otk/db';
import type pg from 'pg';
import { type Booking, endBooking, lockBooking, toSnapshot } from '../data-access/booking.repository.js';
import { migrations } from '../data-access/migrations.js';
import { isOverdue } from './booking-rules.js';

/** Records a booking event in the outbox of the transaction that makes the change it reports. */
export async function emit<T extends EventType>(
  client: pg.PoolClient,
  type: T,
  data: EventData<T>,
  now: Date,
): Promise<void> {
  await appendToOutbox(client, migrations.schema, createEvent(type, data, now));
}

/** held → expired: the slot is free again, and everyone learns it from `booking.expired`. */
export async function expireHold(client: pg.PoolClient, booking: Booking, now: Date): Promise<void> {
  await endBooking(client, booking.id, 'expired', now);
  await emit(client, 'booking.expired', { booking: toSnapshot({ ...booking, status: 'expired' }) }, now);
}

/**
 * Locks the booking a confirm link names for a step of the patient's. A hold past its deadline is
 * expired on the spot (D3), even if its expiry message has not arrived yet: then 'expired'.
 */
export async function lockUnlessLapsed(
  client: pg.PoolClient,
  bookingId: string,
  now: Date,
): Promise<Booking | 'expired'> {
  const booking = await lockBooking(client, bookingId);
  if (!booking) throw new AppError('TOKEN_INVALID', 'this link is not valid');
  if (booking.status === 'expired') return 'expired';
  if (booking.status === 'held' && isOverdue(booking.expiresAt, now)) {
    await expireHold(client, booking, now);
    return 'expired';
  }
  return booking;
}
