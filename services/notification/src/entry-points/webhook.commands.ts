import type { OperatorCommand } from '@otk/runtime';
import { webhookDeliveryRepository } from '../data-access/webhook-delivery.repository.js';
import { webhookEndpointRepository } from '../data-access/webhook-endpoint.repository.js';
import { addWebhook, endpointView, rotateWebhookSecret } from '../domain/webhooks/manage-webhooks.use-case.js';
import { parseEventTypes, parsePersonalDataLevel } from '../domain/webhooks/webhook-endpoint.js';

/**
 * The operator commands that manage the practice's webhook endpoints (ADR 34), e.g.
 * `node services/notification/dist/main.js webhook-add --url https://… --personal-data none`.
 * A secret is printed only by `webhook-add` and `webhook-rotate-secret`, once.
 */
export const webhookCommands: Record<string, OperatorCommand> = {
  'webhook-add': {
    summary: 'registers a webhook endpoint and prints its signing secret',
    options: {
      url: { type: 'string', description: 'https URL (http only to 127.0.0.1 or localhost)' },
      events: { type: 'string', description: 'comma-separated event types (default: all)' },
      'personal-data': { type: 'string', description: 'none (default), contact or full' },
      description: { type: 'string', description: 'a note for the operator' },
    },
    async run({ values, pool, print }) {
      if (typeof values.url !== 'string') throw new Error('--url is required');
      const { endpoint, secret } = await addWebhook(
        { endpoints: webhookEndpointRepository(pool()) },
        {
          url: values.url,
          events: parseEventTypes(values.events as string | undefined),
          personalData: parsePersonalDataLevel(values['personal-data'] as string | undefined),
          description: (values.description as string | undefined) ?? '',
        },
      );
      print({ ...endpoint, secret });
    },
  },
  'webhook-list': {
    summary: 'lists the webhook endpoints (without secrets)',
    options: {},
    async run({ pool, print }) {
      for (const endpoint of await webhookEndpointRepository(pool()).list()) print(endpointView(endpoint));
    },
  },
  'webhook-rotate-secret': {
    summary: 'gives an endpoint a new secret; the old one also signs until the grace period ends',
    options: {
      id: { type: 'string', description: 'the endpoint id' },
      'grace-hours': { type: 'string', description: 'how long the old secret still signs (default 24)' },
    },
    async run({ values, pool, print }) {
      const id = endpointId(values);
      const graceHours = values['grace-hours'] === undefined ? 24 : Number(values['grace-hours']);
      if (!(Number.isInteger(graceHours) && graceHours >= 0 && graceHours <= 720))
        throw new Error('--grace-hours must be a whole number from 0 to 720');
      const deps = { endpoints: webhookEndpointRepository(pool()), now: () => new Date() };
      print(await rotateWebhookSecret(deps, id, graceHours));
    },
  },
  'webhook-retire-secret': endpointCommand(
    "ends a rotation now: the endpoint's previous secret no longer signs",
    async (pool, id) => ({
      found: await webhookEndpointRepository(pool).retirePreviousSecret(id),
      previousSecretRetired: true,
    }),
  ),
  'webhook-enable': endpointCommand('enables an endpoint; deliveries that waited go out at once', async (pool, id) => ({
    found: await webhookEndpointRepository(pool).setEnabled(id, true, new Date()),
    enabled: true,
  })),
  'webhook-disable': endpointCommand(
    'disables an endpoint; new events are not recorded for it until it is enabled',
    async (pool, id) => ({
      found: await webhookEndpointRepository(pool).setEnabled(id, false, new Date()),
      enabled: false,
    }),
  ),
  'webhook-remove': endpointCommand('removes an endpoint and its delivery log', async (pool, id) => ({
    found: await webhookEndpointRepository(pool).remove(id),
    removed: true,
  })),
  'webhook-deliveries': {
    summary: "prints an endpoint's delivery log, newest first (states and codes, no payloads)",
    options: {
      id: { type: 'string', description: 'the endpoint id' },
      limit: { type: 'string', description: 'at most this many (default 50)' },
    },
    async run({ values, pool, print }) {
      const id = endpointId(values);
      const limit = values.limit === undefined ? 50 : Number(values.limit);
      if (!(Number.isInteger(limit) && limit > 0 && limit <= 10_000))
        throw new Error('--limit must be a whole number from 1 to 10000');
      for (const delivery of await webhookDeliveryRepository(pool()).log(id, limit)) print(delivery);
    },
  },
};

type Context = Parameters<OperatorCommand['run']>[0];

/** A command that does one thing to one endpoint, named by `--id`, and prints what it did. */
function endpointCommand(
  summary: string,
  act: (pool: ReturnType<Context['pool']>, id: string) => Promise<{ found: boolean } & Record<string, unknown>>,
): OperatorCommand {
  return {
    summary,
    options: { id: { type: 'string', description: 'the endpoint id' } },
    async run({ values, pool, print }) {
      const id = endpointId(values);
      const { found: changed, ...done } = await act(pool(), id);
      found(changed, id);
      print({ id, ...done });
    },
  };
}

function endpointId(values: Context['values']): string {
  const id = values.id;
  if (typeof id !== 'string' || !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id))
    throw new Error('--id must be an endpoint id (a UUID, see webhook-list)');
  return id.toLowerCase();
}

function found(changed: boolean, id: string): void {
  if (!changed) throw new Error(`no webhook endpoint with id ${id}`);
}
