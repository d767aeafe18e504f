import { bookingEventTypes } from '@otk/contracts';
import { withTransaction } from '@otk/db';
import type { Logger } from 'pino';
import type pg from 'pg';
import { lagBuckets, outsideAnyTrace, secondsSince } from '@otk/telemetry';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { claimNextJob, pendingJobStats, syncJobStoreOn } from '../data-access/sync-job.repository.js';
import { applySyncJob } from '../domain/apply-sync-job.use-case.js';
import type { PracticeSystem } from '../domain/practice-system.port.js';

/**
 * Applies kept booking events to the practice system, one at a time, each booking's events in
 * order. Nothing is dropped: a practice system that is down means retries with backoff.
 */
export class SyncWorker {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private readonly applied: Counter<'event'>;
  private readonly failures: Counter<'event' | 'permanent'>;
  private readonly delay: Histogram;

  constructor(
    private readonly deps: {
      pool: pg.Pool;
      practice: PracticeSystem;
      logger: Logger;
      registry: Registry;
      pollIntervalMs?: number;
    },
  ) {
    this.applied = new Counter({
      name: 'pixelmedics_sync_applied_total',
      help: 'Booking events applied to the practice system',
      labelNames: ['event'],
      registers: [deps.registry],
    });
    this.failures = new Counter({
      name: 'pixelmedics_sync_failures_total',
      help: 'Failed attempts to apply a booking event (permanent=true: parked for an operator)',
      labelNames: ['event', 'permanent'],
      registers: [deps.registry],
    });
    // Both counters start at 0 for every booking event (a closed set): the first failure is a
    // rise that `rate()` sees, and a query on failures answers 0 rather than nothing.
    for (const event of bookingEventTypes) {
      this.applied.inc({ event }, 0);
      for (const permanent of ['true', 'false']) this.failures.inc({ event, permanent }, 0);
    }
    this.delay = new Histogram({
      name: 'pixelmedics_sync_delay_seconds',
      help: 'Time from a booking event until it is applied to the practice system',
      buckets: lagBuckets,
      registers: [deps.registry],
    });
    const pool = deps.pool;
    let stats: ReturnType<typeof pendingJobStats> | undefined;
    // One query serves both gauges of a scrape.
    const currentStats = () =>
      (stats ??= pendingJobStats(pool).finally(() => setTimeout(() => (stats = undefined), 0)));
    new Gauge({
      name: 'pixelmedics_sync_pending_jobs',
      help: 'Booking events waiting to be applied to the practice system',
      registers: [deps.registry],
      async collect() {
        this.set((await currentStats()).pending);
      },
    });
    new Gauge({
      name: 'pixelmedics_sync_lag_seconds',
      help: 'Age of the oldest booking event not yet applied to the practice system',
      registers: [deps.registry],
      async collect() {
        this.set((await currentStats()).oldestAgeSeconds);
      },
    });
    new Gauge({
      name: 'pixelmedics_sync_parked_jobs',
      help: 'Booking events the practice system refused for good, parked until an operator retries them',
      registers: [deps.registry],
      async collect() {
        this.set((await currentStats()).parked);
      },
    });
  }

  start(): void {
    this.schedule(0);
  }

  /** A new job arrived: look now rather than at the next poll. */
  wake(): void {
    if (!this.running && !this.stopped) this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    // Woken by a consumer, the worker still runs on its own: its jobs belong to many bookings.
    this.timer = outsideAnyTrace(() =>
      setTimeout(() => {
        this.running = this.drain().finally(() => {
          this.running = undefined;
          if (!this.stopped) this.schedule(this.deps.pollIntervalMs ?? 500);
        });
      }, delayMs),
    );
  }

  private async drain(): Promise<void> {
    try {
      while (!this.stopped && (await this.applyNext())) {
        // keep going while there is due work
      }
    } catch (error) {
      this.deps.logger.error({ err: error }, 'sync worker could not reach its database; retrying');
    }
  }

  /** Applies one due job; false when there was none. */
  private applyNext(): Promise<boolean> {
    const { pool, practice, logger } = this.deps;
    return withTransaction(pool, async (client) => {
      const job = await claimNextJob(client);
      if (!job) return false;
      const applied = await applySyncJob(job, { practice, jobs: syncJobStoreOn(client), now: new Date() });
      if (applied.result === 'unreadable') return true;
      const { event } = applied;
      const bookingId = event.data.booking.bookingId;
      switch (applied.result) {
        case 'applied':
          this.applied.inc({ event: event.type });
          this.delay.observe(secondsSince(event.occurredAt));
          logger.info({ eventId: event.id, type: event.type, bookingId }, 'booking synced to the practice system');
          break;
        case 'refused':
          this.failures.inc({ event: event.type, permanent: 'true' });
          logger.error(
            { eventId: event.id, bookingId, err: applied.error },
            'practice system refused the booking event',
          );
          break;
        case 'retry-later':
          this.failures.inc({ event: event.type, permanent: 'false' });
          logger.warn(
            { eventId: event.id, bookingId, delayMs: applied.delayMs, err: applied.error },
            'practice system failed; retrying',
          );
          break;
      }
      return true;
    });
  }
}
