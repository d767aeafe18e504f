import type { ServiceDefinition } from '@otk/runtime';
import { configSchema } from './config.js';
import { BuiltinPracticeSystem } from './data-access/builtin-practice-system.js';
import { HttpPracticeSystem } from './data-access/http-practice-system.js';
import { importLogRepository } from './data-access/import-log.repository.js';
import { migrations } from './data-access/migrations.js';
import { settingsRepository } from './data-access/settings.repository.js';
import type { PracticeSystem } from './domain/practice-system.port.js';
import { bookingEventsSubscription, consumeBookingEvents } from './entry-points/booking-events.consumer.js';
import { serveBookingSyncStateCommand } from './entry-points/booking-sync-state.rpc.js';
import { retryParkedJobsCommand } from './entry-points/parked-jobs.command.js';
import { serveParkedJobCommands } from './entry-points/parked-jobs.rpc.js';
import { schedulePracticeImport } from './entry-points/practice-import.scheduler.js';
import { servePatientDataCommands } from './entry-points/patient-data.rpc.js';
import { serveSettingsCommands } from './entry-points/settings.rpc.js';
import { SyncWorker } from './entry-points/sync-worker.js';
import { startRetention } from './entry-points/retention.timer.js';

export const pixelmedicsSync: ServiceDefinition<typeof configSchema> = {
  name: 'pixelmedics-sync',
  configSchema,
  migrations,
  subscriptions: [bookingEventsSubscription],
  outbox: true,
  operatorCommands: { 'retry-parked-jobs': retryParkedJobsCommand },
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
      catalogueMaster: config.PRACTICE_SYSTEM_ADAPTER === 'http',
      broker,
      logger,
      registry: metrics.registry,
    });
    await serveSettingsCommands(broker, pool);
    await servePatientDataCommands(broker, pool);
    await serveParkedJobCommands(broker, pool);
    await serveBookingSyncStateCommand(broker, pool);
    const stopRetention = startRetention({ pool, now: () => new Date() }, logger, {
      intervalMs: config.RETENTION_INTERVAL_MS,
      doneJobDays: config.RETENTION_DONE_SYNC_JOB_DAYS,
      failedJobDays: config.RETENTION_FAILED_SYNC_JOB_DAYS,
      publishedEventMinutes: config.RETENTION_PUBLISHED_EVENT_MINUTES,
    });
    return {
      async stop() {
        await stopRetention();
        await imports.stop();
        await worker.stop();
      },
    };
  },
};
