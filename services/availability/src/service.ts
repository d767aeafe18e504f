import type { ServiceDefinition } from '@otk/runtime';
import { configSchema } from './config.js';
import { migrations } from './data-access/migrations.js';

export const availability: ServiceDefinition<typeof configSchema> = {
  name: 'availability',
  configSchema,
  migrations,
  async start() {},
};
