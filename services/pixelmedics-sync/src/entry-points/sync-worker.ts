import { parseEvent } from '@otk/contracts';
import { withTransaction } from '@otk/db';
import { DateTime } from 'luxon';
import type { Logger } from 'pino';
import type pg from 'pg';
import { lagBuckets, secondsSince } from '@otk/telemetry';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { loadSettings } from '../data-access/settings.repository.js';
import {
  claimNextJob,
  completeJob,
  failJob,
  loadSyncState,
  pendingJobStats,
  retryJobLater,
  saveSyncState,
} from '../data-access/sync-job.repository.js';
import { PracticeSystemRejection, type PracticeSystem } from '../domain/practice-system.port.js';
import { emptySyncState, isBookingEvent, syncBookingEvent } from '../domain/sync-booking.use-case.js';

/** Backoff for a practice system that is down: 1 s doubling to 5 min, then every 5 min, forever. */
export function retryDelayMs(attempt: number): number {
  return Math.min(1000 * 2 ** Math.max(0, attempt - 1), 5 * 60 * 1000);
}

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
    this.timer = setTimeout(() => {
      this.running = this.drain().finally(() => {
        this.running = undefined;
        if (!this.stopped) this.schedule(this.deps.pollIntervalMs ?? 500);
      });
    }, delayMs);
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
      const parsed = parseEvent(job.event);
      if (!parsed.ok || !isBookingEvent(parsed.value)) {
        await failJob(client, job.seq, parsed.ok ? `not a booking event: ${parsed.value.type}` : parsed.reason);
        return true;
      }
      const event = parsed.value;
      const bookingId = event.data.booking.bookingId;
      try {
        const settings = await loadSettings(client);
        const state = (await loadSyncState(client, bookingId)) ?? emptySyncState;
        const today = DateTime.now().setZone(event.data.booking.timeZone).toISODate() ?? '';
        const next = await syncBookingEvent(practice, event, state, { onlineColour: settings.onlineColour, today });
        await saveSyncState(client, bookingId, next);
        await completeJob(client, job.seq);
        this.applied.inc({ event: event.type });
        this.delay.observe(secondsSince(event.occurredAt));
        logger.info({ eventId: event.id, type: event.type, bookingId }, 'booking synced to the practice system');
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        const permanent = error instanceof PracticeSystemRejection;
        this.failures.inc({ event: event.type, permanent: String(permanent) });
        if (permanent) {
          await failJob(client, job.seq, message);
          logger.error({ eventId: event.id, bookingId, err: message }, 'practice system refused the booking event');
        } else {
          const delayMs = retryDelayMs(job.attempts + 1);
          await retryJobLater(client, job.seq, delayMs, message);
          logger.warn({ eventId: event.id, bookingId, delayMs, err: message }, 'practice system failed; retrying');
        }
      }
      return true;
    });
  }
}
