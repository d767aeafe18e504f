import { env, z } from '@otk/config';
import { baseServiceEnv } from '@otk/runtime';

export const configSchema = z
  .object({
    ...baseServiceEnv,
    PORT: env.port(8084),
    MANAGEMENT_PORT: env.port(9084),
    /** `builtin`: the practice system kept in this service's schema; `http`: a ::pixelmedics connector. */
    PRACTICE_SYSTEM_ADAPTER: z.enum(['builtin', 'http']).default('builtin'),
    /** Base URL of the connector implementing docs/api/practice-system.openapi.json (adapter `http`). */
    PRACTICE_SYSTEM_URL: env.url(['http', 'https']).optional(),
    /** API key sent as a bearer token to the connector (adapter `http`); a secret, no default. */
    PRACTICE_SYSTEM_API_KEY: z.string().min(16).optional(),
    PRACTICE_SYSTEM_TIMEOUT_MS: env.positiveInt(10000),
    /** How often old sync jobs and published event data are erased (ADR 71). */
    RETENTION_INTERVAL_MS: env.positiveInt(3600_000),
    /** How long an applied sync job (a copy of a booking event) is kept. */
    RETENTION_DONE_SYNC_JOB_DAYS: env.positiveInt(7),
    /** How long a sync job given up on is kept for the operator. */
    RETENTION_FAILED_SYNC_JOB_DAYS: env.positiveInt(30),
    /** How long a published event keeps its data in the outbox. */
    RETENTION_PUBLISHED_EVENT_MINUTES: z.coerce.number().int().min(0).default(60),
  })
  .superRefine((config, ctx) => {
    if (config.PRACTICE_SYSTEM_ADAPTER !== 'http') return;
    for (const variable of ['PRACTICE_SYSTEM_URL', 'PRACTICE_SYSTEM_API_KEY'] as const) {
      if (!config[variable])
        ctx.addIssue({ code: 'custom', path: [variable], message: 'required for the http adapter' });
    }
  });

export type Config = z.infer<typeof configSchema>;
