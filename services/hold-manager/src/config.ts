import { env, z } from '@otk/config';
import { baseServiceEnv } from '@otk/runtime';

export const configSchema = z.object({
  ...baseServiceEnv,
  PORT: env.port(8082),
  MANAGEMENT_PORT: env.port(9082),
  /** How often overdue holds whose expiry message was lost are released (D3); at most this late. */
  HOLD_EXPIRY_SWEEP_INTERVAL_MS: env.positiveInt(30000),
  /** How long a hold or change waits for availability's slot check before it fails with TIMEOUT. */
  SLOT_CHECK_TIMEOUT_MS: env.positiveInt(3000),
});

export type Config = z.infer<typeof configSchema>;
