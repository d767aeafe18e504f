import type { Broker } from '@otk/messaging';
import {
  type WebhookAdminDeps,
  addWebhook,
  listWebhooks,
  rotateWebhookSecret,
  setWebhookEnabled,
} from '../domain/webhooks/manage-webhooks.use-case.js';

/** How many deliveries per endpoint the console's list shows. */
const RECENT_DELIVERIES = 10;

/**
 * The console's commands for the webhook endpoints (ADR 34), the same steps as the operator
 * commands; the gateway checks the admin's session and writes the audit log.
 */
export async function serveWebhookAdminCommands(broker: Broker, deps: WebhookAdminDeps): Promise<void> {
  await broker.serveCommand('notification.listWebhooks', () => listWebhooks(deps, RECENT_DELIVERIES));
  await broker.serveCommand('notification.addWebhook', (request) => addWebhook(deps, request));
  await broker.serveCommand('notification.setWebhookEnabled', (request) =>
    setWebhookEnabled(deps, request.id, request.enabled),
  );
  await broker.serveCommand('notification.rotateWebhookSecret', (request) =>
    rotateWebhookSecret(deps, request.id, request.graceHours),
  );
}
