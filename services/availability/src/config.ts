import { env, z } from '@otk/config';
import { baseServiceEnv } from '@otk/runtime';

export const configSchema = z.object({
  ...baseServiceEnv,
  PORT: env.port(8081),
  MANAGEMENT_PORT: env.port(9081),
  /**
   * Longest a computed slot list is reused while nothing changed (0: never). Changes to bookings
   * and the catalogue end it at once; this bounds how long minimum notice may lag behind.
   */
  SLOT_CACHE_MAX_AGE_MS: z.coerce.number().int().min(0).default(5000),
});

export type Config = z.infer<typeof configSchema>;
