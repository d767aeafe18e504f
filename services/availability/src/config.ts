import { env, z } from '@otk/config';
import { baseServiceEnv } from '@otk/runtime';

export const configSchema = z.object({
  ...baseServiceEnv,
  PORT: env.port(8081),
});

export type Config = z.infer<typeof configSchema>;
