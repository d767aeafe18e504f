import type { ServiceDefinition } from '@otk/runtime';
import { configSchema } from './config.js';
import { BuiltinPracticeSystem } from './data-access/builtin-practice-system.js';
import { HttpPracticeSystem } from './data-access/http-practice-system.js';
import { importLogRepository } from './data-access/import-log.repository.js';
import { migrations } from './data-access/migrations.js';
import { settingsRepository } from './data-access/settings.repository.js';
import type { PracticeSystem } from './domain/practice-system.port.js';
import { bookingEventsSubscription, consumeBookingEvents } from './entry-points/booking-events.consumer.js';
import { schedulePracticeImport } from './entry-points/practice-import.scheduler.js';
import { SyncWorker } from './entry-points/sync-worker.js';

export const pixelmedicsSync: ServiceDefinition<typeof configSchema> = {
  name: 'pixelmedics-sync',
  configSchema,
  migrations,
  subscriptions: [bookingEventsSubscription],
  outbox: true,
  async start({ broker, pool, logger, metrics, config }) {
    const practice: PracticeSystem =
      config.PRACTICE_SYSTEM_ADAPTER === 'http'
        ? new HttpPracticeSystem({
            baseUrl: config.PRACTICE_SYSTEM_URL!,
            apiKey: config.PRACTICE_SYSTEM_API_KEY!,
            timeoutMs: config.PRACTICE_SYSTEM_TIMEOUT_MS,
          })
        : new BuiltinPracticeSystem(pool);
    const worker = new SyncWorker({ pool, practice, logger, registry: metrics.registry });
    await consumeBookingEvents(broker, pool, worker);
    worker.start();
    const imports = await schedulePracticeImport({
      settings: settingsRepository(pool),
      practice,
      imports: importLogRepository(pool),
      broker,
      logger,
      registry: metrics.registry,
    });
    return {
      async stop() {
        await imports.stop();
        await worker.stop();
      },
    };
  },
};
