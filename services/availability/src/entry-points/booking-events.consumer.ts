import { bookingEventTypes, queues } from '@otk/contracts';
import { markProcessed, withTransaction } from '@otk/db';
import type { Broker, Subscription } from '@otk/messaging';
import type pg from 'pg';
import { applyBookingState } from '../data-access/busy-times.repository.js';
import { migrations } from '../data-access/migrations.js';

export const bookingEventsSubscription: Subscription = {
  queue: queues.availabilityEvents,
  routingKeys: bookingEventTypes,
};

/**
 * Keeps the busy index from booking events. Each event carries the booking as it stands after
 * the transition, so applying it is a state write, guarded by the event's time: redeliveries are
 * skipped (processed events), and an event older than what the index holds changes nothing.
 */
export async function consumeBookingEvents(broker: Broker, pool: pg.Pool): Promise<void> {
  await broker.consumeEvents({
    ...bookingEventsSubscription,
    handler: async (event, ctx) => {
      if (!('booking' in event.data)) return;
      const { booking } = event.data;
      const changed = await withTransaction(pool, async (client) => {
        if (!(await markProcessed(client, migrations.schema, 'availability.busy-index', event.id))) return false;
        return applyBookingState(client, booking, new Date(event.occurredAt));
      });
      ctx.logger.debug({ bookingId: booking.bookingId, status: booking.status, changed }, 'busy index updated');
    },
  });
}
