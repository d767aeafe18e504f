import { queues } from '@otk/contracts';
import { type Broker, type Subscription, done, skipped } from '@otk/messaging';
import type { WebhookEvent } from '../domain/webhooks/webhook-payload.js';
import { type RecordWebhookDeps, recordWebhookEvent } from '../domain/webhooks/record-webhook-event.use-case.js';
import { webhookEventTypes } from '../domain/webhooks/webhook-endpoint.js';

/** The events the practice's webhook endpoints may subscribe to, in a queue of their own. */
export const webhookEventsSubscription = {
  queue: queues.notificationWebhooks,
  routingKeys: webhookEventTypes,
} satisfies Subscription;

/**
 * Records each event as a delivery per subscribed endpoint; the webhook sender delivers them. Kept
 * apart from the e-mail queue so that neither waits for the other's retries.
 */
export async function consumeWebhookEvents(broker: Broker, deps: RecordWebhookDeps): Promise<void> {
  const record = async (event: WebhookEvent) => {
    switch (await recordWebhookEvent(event, deps)) {
      case 'recorded':
        return done();
      case 'already-recorded':
        return skipped('duplicate');
      case 'no-endpoint':
        return skipped('no-endpoint');
    }
  };
  await broker.consumeEvents({
    ...webhookEventsSubscription,
    handlers: {
      'booking.held': record,
      'booking.confirmed': record,
      'booking.changed': record,
      'booking.cancelled': record,
      'booking.expired': record,
      'waitlist.offered': record,
    },
  });
}
