import { createEvent } from '@otk/contracts';
import type { Broker } from '@otk/messaging';
import type { ScheduleExpiry } from '../domain/ports.js';

/** Expiry messages travel through the broker's delay queue (one queue per distinct delay). */
export function expiryScheduler(broker: Broker): ScheduleExpiry {
  return async (hold, delayMs) => {
    await broker.publishDelayed(
      createEvent('hold.expiryDue', { bookingId: hold.bookingId, expiresAt: hold.expiresAt.toISOString() }),
      delayMs,
    );
  };
}
