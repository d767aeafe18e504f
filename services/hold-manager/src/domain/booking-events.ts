import { type EventData, type EventType, createEvent } from '@otk/contracts';
import type { BookingTransaction } from './ports.js';

/** Announces a booking change: the event goes to the outbox of the transaction that makes the change. */
export async function announce<T extends EventType>(
  tx: BookingTransaction,
  type: T,
  data: EventData<T>,
  now: Date,
): Promise<void> {
  await tx.record(createEvent(type, data, now));
}
