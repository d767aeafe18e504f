import type { WebhookEvent } from './webhook-payload.js';
import { webhookPayload, webhookSubjectOf } from './webhook-payload.js';
import type { WebhookDeliveryQueue, WebhookEndpoints } from './webhook-ports.js';

export interface RecordWebhookDeps {
  endpoints: Pick<WebhookEndpoints, 'subscribedTo'>;
  deliveries: Pick<WebhookDeliveryQueue, 'enqueue'>;
  now: () => Date;
}

export type RecordWebhookResult = 'recorded' | 'already-recorded' | 'no-endpoint';

/**
 * Owes the event to every enabled endpoint that subscribed to its type, each with a body cut to
 * the endpoint's personal-data level; the sender delivers them. A redelivered event owes nothing new.
 */
export async function recordWebhookEvent(event: WebhookEvent, deps: RecordWebhookDeps): Promise<RecordWebhookResult> {
  const endpoints = await deps.endpoints.subscribedTo(event.type);
  if (endpoints.length === 0) return 'no-endpoint';
  const added = await deps.deliveries.enqueue(
    { id: event.id, type: event.type, bookingId: webhookSubjectOf(event), occurredAt: event.occurredAt },
    endpoints.map((endpoint) => ({
      endpointId: endpoint.id,
      payload: JSON.stringify(webhookPayload(event, endpoint.personalData)),
    })),
    deps.now(),
  );
  return added === 0 ? 'already-recorded' : 'recorded';
}
