import type { ServiceDefinition } from '@otk/runtime';
import { configSchema } from './config.js';
import { rebuildBusyIndexInBackground } from './data-access/busy-index-rebuild.js';
import { migrations } from './data-access/migrations.js';
import { ReadModel } from './data-access/read-model.js';
import { serveAvailabilityCommands } from './entry-points/availability.rpc.js';
import { serveSettingsCommands } from './entry-points/settings.rpc.js';
import { bookingEventsSubscription, consumeBookingEvents } from './entry-points/booking-events.consumer.js';
import { followOccupancyNotices } from './entry-points/occupancy-notices.consumer.js';
import { consumePracticeImports, practiceImportsSubscription } from './entry-points/practice-imports.consumer.js';

export const availability: ServiceDefinition<typeof configSchema> = {
  name: 'availability',
  configSchema,
  migrations,
  subscriptions: [bookingEventsSubscription, practiceImportsSubscription],
  // The practice profile's changes (practice.profileChanged) leave through the outbox.
  outbox: true,
  async start({ broker, pool, logger, config }) {
    const model = new ReadModel(pool, logger);
    await model.start();
    await consumeBookingEvents(broker, pool);
    await consumePracticeImports(broker, pool);
    await followOccupancyNotices(broker, model);
    await serveAvailabilityCommands(broker, model, { slotCacheMaxAgeMs: config.SLOT_CACHE_MAX_AGE_MS });
    await serveSettingsCommands(broker, pool);
    const rebuild = rebuildBusyIndexInBackground({ broker, pool, logger });
    return {
      async stop() {
        rebuild.stop();
        await model.stop();
      },
    };
  },
};
