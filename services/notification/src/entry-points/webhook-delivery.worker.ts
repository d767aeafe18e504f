import { startPeriodicJob } from '@otk/runtime';
import type { Logger } from '@otk/telemetry';
import { type DeliverWebhookDeps, deliverNextWebhook } from '../domain/webhooks/deliver-webhooks.use-case.js';
import {
  type NotifyDisabledDeps,
  notifyDisabledWebhooks,
} from '../domain/webhooks/notify-webhook-disabled.use-case.js';

/**
 * The webhook sender: every `intervalMs`, `concurrency` workers send due deliveries until none is
 * left, then the staff hear about endpoints that were disabled. The deliveries table is the
 * queue, so a restart loses nothing; a failed run (database down) is logged and the next comes as
 * planned. Returns the stop function, which waits for the attempts in flight.
 */
export function startWebhookDelivery(
  deps: DeliverWebhookDeps & NotifyDisabledDeps,
  logger: Logger,
  options: { intervalMs: number; concurrency: number },
): () => Promise<void> {
  let stopping = false;
  const worker = async () => {
    while (!stopping && (await deliverNextWebhook(deps))) {
      // next one
    }
  };
  const stop = startPeriodicJob({
    name: 'webhook delivery',
    intervalMs: options.intervalMs,
    logger,
    run: async () => {
      await Promise.all(Array.from({ length: options.concurrency }, worker));
      await notifyDisabledWebhooks(deps);
    },
  });
  return async () => {
    stopping = true;
    await stop();
  };
}
