import { bookingEventTypes, queues } from '@otk/contracts';
import { type Broker, type HandlerOutcome, type Subscription, done, skipped } from '@otk/messaging';
import type pg from 'pg';
import { enqueueSyncJob } from '../data-access/sync-job.repository.js';
import type { BookingEvent } from '../domain/sync-booking.use-case.js';
import type { SyncWorker } from './sync-worker.js';

export const bookingEventsSubscription = {
  queue: queues.pixelmedicsSyncEvents,
  routingKeys: bookingEventTypes,
} satisfies Subscription;

/**
 * Booking events are kept in the database first and acked; the worker applies them. So a practice
 * system that is down never holds messages on the broker, and each booking keeps its order. Every
 * type is kept the same way; a redelivered event is kept once (`duplicate`).
 */
export async function consumeBookingEvents(broker: Broker, pool: pg.Pool, worker: SyncWorker): Promise<void> {
  const keep = async (event: BookingEvent): Promise<HandlerOutcome> => {
    if (!(await enqueueSyncJob(pool, event))) return skipped('duplicate');
    worker.wake();
    return done();
  };
  await broker.consumeEvents({
    ...bookingEventsSubscription,
    handlers: {
      'booking.held': keep,
      'booking.confirmed': keep,
      'booking.changed': keep,
      'booking.expired': keep,
      'booking.withdrawn': keep,
      'booking.cancelled': keep,
    },
  });
}
