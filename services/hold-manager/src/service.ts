import type { ServiceDefinition } from '@otk/runtime';
import { configSchema } from './config.js';
import { migrations } from './data-access/migrations.js';
import { serveHoldCommands } from './entry-points/hold.rpc.js';

export const holdManager: ServiceDefinition<typeof configSchema> = {
  name: 'hold-manager',
  configSchema,
  migrations,
  outbox: true,
  async start({ broker, pool, config }) {
    await serveHoldCommands(broker, pool, config.HOLD_CONFIRMATION_WINDOW_SECONDS);
  },
};
