import { queues } from '@otk/contracts';
import type { Broker, Subscription } from '@otk/messaging';
import { isNoticeEvent, noticeEventTypes } from '../domain/notice.js';
import { type NotifyDeps, notifyBookingEvent } from '../domain/notify-booking-event.use-case.js';

/** The booking events a patient hears about. */
export const bookingEventsSubscription: Subscription = {
  queue: queues.notificationEvents,
  routingKeys: noticeEventTypes,
};

/**
 * Consumes them. A handler that throws (a temporary send failure) gets
 * the event back after `retryDelaysMs`; after `maxAttempts` it is parked in notification.events.dlq.
 */
export async function consumeBookingEvents(
  broker: Broker,
  deps: NotifyDeps,
  retries: { maxAttempts: number; retryDelaysMs: number[] },
): Promise<void> {
  await broker.consumeEvents({
    ...bookingEventsSubscription,
    ...retries,
    async handler(event) {
      if (isNoticeEvent(event)) await notifyBookingEvent(event, deps);
    },
  });
}
