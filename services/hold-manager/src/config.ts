import { env, z } from '@otk/config';
import { baseServiceEnv } from '@otk/runtime';

export const configSchema = z.object({
  ...baseServiceEnv,
  PORT: env.port(8082),
  /** How long a provisional request holds its slot before it lapses (D3). */
  HOLD_CONFIRMATION_WINDOW_SECONDS: env.positiveInt(15 * 60),
});

export type Config = z.infer<typeof configSchema>;
