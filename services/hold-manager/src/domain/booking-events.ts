import { type EventData, type EventType, createEvent } from '@otk/contracts';
import { appendToOutbox } from '@otk/db';
import type pg from 'pg';
import { type Booking, endBooking, toSnapshot } from '../data-access/booking.repository.js';
import { migrations } from '../data-access/migrations.js';

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
