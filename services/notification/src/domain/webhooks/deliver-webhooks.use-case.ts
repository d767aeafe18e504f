import type { Logger } from '@otk/telemetry';
import type { WebhookMetrics } from '../../notification-metrics.js';
import { activeSecrets } from './webhook-endpoint.js';
import type { DueDelivery, WebhookDeliveryQueue, WebhookSender } from './webhook-ports.js';
import { type WebhookRetryPolicy, afterFailedAttempt, failureStreak } from './webhook-retry-policy.js';

export interface DeliverWebhookDeps {
  deliveries: Pick<WebhookDeliveryQueue, 'withNextDue'>;
  sender: WebhookSender;
  policy: WebhookRetryPolicy;
  metrics: WebhookMetrics;
  logger: Logger;
  now: () => Date;
}

/**
 * Sends the next due delivery once: sign and POST it, then record what happened — delivered,
 * tried again after a backoff, or given up — and the endpoint's failure streak, which disables
 * the endpoint when it has failed for long enough. Resolves false when nothing is due.
 */
export async function deliverNextWebhook(deps: DeliverWebhookDeps): Promise<boolean> {
  return deps.deliveries.withNextDue(deps.now(), async (delivery, attempt) => {
    const now = deps.now();
    const outcome = await deps.sender.send({
      url: delivery.url,
      messageId: delivery.eventId,
      payload: delivery.payload,
      secrets: activeSecrets(delivery.secrets, now),
      timestamp: now,
    });
    const attempts = delivery.attempts + 1;
    const streak = failureStreak(await attempt.lockEndpointStreak(), outcome, now, deps.policy);
    if (outcome.result === 'delivered') {
      await attempt.record({
        delivery: { status: 'delivered' },
        httpStatus: outcome.httpStatus,
        error: null,
        endpoint: streak,
      });
      deps.metrics.attempts.inc({ outcome: 'delivered' });
      logFor(deps.logger, delivery).info({ attempts }, 'webhook delivered');
      return;
    }
    const next = afterFailedAttempt(attempts, now, deps.policy);
    await attempt.record({ delivery: next, httpStatus: outcome.httpStatus, error: outcome.error, endpoint: streak });
    deps.metrics.attempts.inc({ outcome: next.status === 'failed' ? 'given-up' : 'failed' });
    const logger = logFor(deps.logger, delivery);
    if (next.status === 'failed')
      logger.warn({ attempts, error: outcome.error }, 'webhook given up after its last attempt');
    else logger.info({ attempts, error: outcome.error, nextAttemptAt: next.nextAttemptAt }, 'webhook attempt failed');
    if (streak.disable) {
      deps.metrics.endpointsDisabled.inc();
      logger.warn(
        { consecutiveFailures: streak.consecutiveFailures },
        'webhook endpoint disabled after repeated failures',
      );
    }
  });
}

/** Ids and codes only: the endpoint's URL may carry a key in its query, the payload personal data. */
function logFor(logger: Logger, delivery: DueDelivery): Logger {
  return logger.child({
    webhookEndpointId: delivery.endpointId,
    webhookDeliveryId: delivery.id,
    eventId: delivery.eventId,
    eventType: delivery.eventType,
  });
}
