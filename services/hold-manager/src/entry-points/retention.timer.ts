import { startRetentionJob } from '@otk/runtime';
import type { Logger } from 'pino';
import type pg from 'pg';
import { eraseExpiredData } from '../data-access/retention.repository.js';
import { type RetentionPeriods, retentionCutoffs } from '../domain/retention.js';

/** Erases holds, bookings and published event data past their retention (ADR 71), every `intervalMs`. */
export function startRetention(
  deps: { pool: pg.Pool; now: () => Date },
  logger: Logger,
  intervalMs: number,
  periods: RetentionPeriods,
): () => Promise<void> {
  return startRetentionJob({
    intervalMs,
    logger,
    erase: async () => ({ ...(await eraseExpiredData(deps.pool, retentionCutoffs(deps.now(), periods))) }),
  });
}
