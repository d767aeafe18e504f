/**
 * A service run the way every OTK service runs (`runService`: `migrate`, or serve until SIGTERM),
 * for untrusted-error.spec.ts. It consumes booking.held from its own queue. With MODE=crash its
 * handler throws an untrusted error (a broken invariant); with MODE=steady it prints the events it
 * handles.
 */
import { fileURLToPath } from 'node:url';
import { AppError } from '@otk/contracts';
import { done } from '@otk/messaging';
import { baseServiceEnv, runService } from '@otk/runtime';
import { z } from '@otk/config';

export const untrustedServiceQueue = 'untrusted-probe.events';

await runService({
  name: 'untrusted-probe',
  configSchema: z.object({ ...baseServiceEnv, MODE: z.enum(['crash', 'steady']).default('steady') }),
  migrations: {
    schema: 'untrusted_probe',
    dir: fileURLToPath(new URL('./untrusted-service-migrations', import.meta.url)),
  },
  subscriptions: [{ queue: untrustedServiceQueue, routingKeys: ['booking.held'] }],
  async start({ broker, config }) {
    await broker.consumeEvents({
      queue: untrustedServiceQueue,
      routingKeys: ['booking.held'],
      handlers: {
        'booking.held': async (event) => {
          if (config.MODE === 'crash') {
            throw new AppError('INTERNAL', 'invariant broken: a held booking without its hold', undefined, false);
          }
          process.stderr.write(`handled ${event.id}\n`);
          return done();
        },
      },
    });
  },
});
