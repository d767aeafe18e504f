import { type EventOf, bookingEventTypes, queues } from '@otk/contracts';
import { markProcessed, withTransaction } from '@otk/db';
import {
  type Broker,
  type HandlerContext,
  type HandlerOutcome,
  type Subscription,
  done,
  skipped,
} from '@otk/messaging';
import type pg from 'pg';
import { applyBookingState } from '../data-access/busy-times.repository.js';
import { migrations } from '../data-access/migrations.js';

export const bookingEventsSubscription = {
  queue: queues.availabilityEvents,
  routingKeys: bookingEventTypes,
} satisfies Subscription;

/**
 * Keeps the busy index from booking events. Each event carries the booking as it stands after
 * the transition, so every type is applied the same way, as a state write guarded by the event's
 * time: a redelivery is skipped (`duplicate`), and an event older than what the index holds
 * changes nothing (`stale`).
 */
export async function consumeBookingEvents(broker: Broker, pool: pg.Pool): Promise<void> {
  const applyBooking = async (
    event: EventOf<(typeof bookingEventTypes)[number]>,
    ctx: HandlerContext,
  ): Promise<HandlerOutcome> => {
    const { booking } = event.data;
    const result = await withTransaction(pool, async (client) => {
      if (!(await markProcessed(client, migrations.schema, 'availability.busy-index', event.id))) return 'duplicate';
      return (await applyBookingState(client, booking, new Date(event.occurredAt))) ? 'changed' : 'stale';
    });
    ctx.logger.debug({ bookingId: booking.bookingId, status: booking.status, result }, 'busy index updated');
    return result === 'changed' ? done() : skipped(result);
  };
  await broker.consumeEvents({
    ...bookingEventsSubscription,
    handlers: {
      'booking.held': applyBooking,
      'booking.confirmed': applyBooking,
      'booking.changed': applyBooking,
      'booking.expired': applyBooking,
      'booking.withdrawn': applyBooking,
      'booking.cancelled': applyBooking,
    },
  });
}
