import { AppError, type CommandReply, type WebhookEndpointView } from '@otk/contracts';
import {
  type PersonalDataLevel,
  type WebhookEndpoint,
  type WebhookEventType,
  newWebhookSecret,
  parseEndpointUrl,
  webhookEventTypes,
} from './webhook-endpoint.js';

/** What managing the endpoints needs of the endpoints table and the delivery log. */
export interface WebhookAdminDeps {
  endpoints: {
    addEndpoint(endpoint: {
      url: string;
      description: string;
      eventTypes: WebhookEventType[];
      personalData: PersonalDataLevel;
      secret: string;
    }): Promise<WebhookEndpoint>;
    list(): Promise<WebhookEndpoint[]>;
    find(id: string): Promise<WebhookEndpoint | undefined>;
    setEnabled(id: string, enabled: boolean, now: Date): Promise<boolean>;
    rotateSecret(id: string, secret: string, previousUntil: Date): Promise<boolean>;
  };
  deliveries: {
    log(
      endpointId: string,
      limit: number,
    ): Promise<CommandReply<'notification.listWebhooks'>['endpoints'][number]['recentDeliveries']>;
  };
  now: () => Date;
}

/** An endpoint as operators and the console see it: never its secrets. */
export function endpointView(endpoint: WebhookEndpoint): WebhookEndpointView {
  return {
    id: endpoint.id,
    url: endpoint.url,
    description: endpoint.description,
    events: endpoint.eventTypes,
    personalData: endpoint.personalData,
    enabled: endpoint.enabled,
    disabledReason: endpoint.disabledReason,
    consecutiveFailures: endpoint.consecutiveFailures,
    previousSecretUntil: endpoint.previousSecretUntil?.toISOString() ?? null,
  };
}

function notFound(id: string): AppError {
  return new AppError('NOT_FOUND', `no webhook endpoint with id ${id}`);
}

/** Registers an endpoint (ADR 34); its signing secret is answered this once. */
export async function addWebhook(
  deps: Pick<WebhookAdminDeps, 'endpoints'>,
  request: { url: string; description: string; events?: WebhookEventType[]; personalData: PersonalDataLevel },
): Promise<CommandReply<'notification.addWebhook'>> {
  const secret = newWebhookSecret();
  const endpoint = await deps.endpoints.addEndpoint({
    url: parseEndpointUrl(request.url),
    description: request.description.slice(0, 500),
    eventTypes: request.events ?? [...webhookEventTypes],
    personalData: request.personalData,
    secret,
  });
  return { endpoint: endpointView(endpoint), secret };
}

/** The endpoints with their newest deliveries, states and codes only. */
export async function listWebhooks(
  deps: WebhookAdminDeps,
  recentDeliveries: number,
): Promise<CommandReply<'notification.listWebhooks'>> {
  const endpoints = await deps.endpoints.list();
  return {
    endpoints: await Promise.all(
      endpoints.map(async (endpoint) => ({
        ...endpointView(endpoint),
        recentDeliveries: await deps.deliveries.log(endpoint.id, recentDeliveries),
      })),
    ),
  };
}

/** Enabling sends what waited at once; disabling keeps it for a later enable. */
export async function setWebhookEnabled(
  deps: WebhookAdminDeps,
  id: string,
  enabled: boolean,
): Promise<WebhookEndpointView> {
  if (!(await deps.endpoints.setEnabled(id, enabled, deps.now()))) throw notFound(id);
  const endpoint = await deps.endpoints.find(id);
  if (!endpoint) throw notFound(id);
  return endpointView(endpoint);
}

/** A new secret signs from now on; the previous one also signs for `graceHours`. Answered once. */
export async function rotateWebhookSecret(
  deps: Pick<WebhookAdminDeps, 'endpoints' | 'now'>,
  id: string,
  graceHours: number,
): Promise<CommandReply<'notification.rotateWebhookSecret'>> {
  const secret = newWebhookSecret();
  const previousSecretUntil = new Date(deps.now().getTime() + graceHours * 3_600_000);
  if (!(await deps.endpoints.rotateSecret(id, secret, previousSecretUntil))) throw notFound(id);
  return { id, secret, previousSecretUntil: previousSecretUntil.toISOString() };
}
