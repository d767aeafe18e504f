import type { ServiceDefinition } from '@otk/runtime';
import { configSchema } from './config.js';
import { migrations } from './data-access/migrations.js';

export const pixelmedicsSync: ServiceDefinition<typeof configSchema> = {
  name: 'pixelmedics-sync',
  configSchema,
  migrations,
  async start() {},
};
