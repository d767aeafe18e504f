import { bookingEventTypes, queues } from '@otk/contracts';
import type { Broker, Subscription } from '@otk/messaging';
import type pg from 'pg';
import { enqueueSyncJob } from '../data-access/sync-job.repository.js';
import { isBookingEvent } from '../domain/sync-booking.use-case.js';
import type { SyncWorker } from './sync-worker.js';

export const bookingEventsSubscription: Subscription = {
  queue: queues.pixelmedicsSyncEvents,
  routingKeys: bookingEventTypes,
};

/**
 * Booking events are kept in the database first and acked; the worker applies them. So a practice
 * system that is down never holds messages on the broker, and each booking keeps its order.
 */
export async function consumeBookingEvents(broker: Broker, pool: pg.Pool, worker: SyncWorker): Promise<void> {
  await broker.consumeEvents({
    ...bookingEventsSubscription,
    async handler(event) {
      if (!isBookingEvent(event)) return;
      await enqueueSyncJob(pool, event);
      worker.wake();
    },
  });
}
