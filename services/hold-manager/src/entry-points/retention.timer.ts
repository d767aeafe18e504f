import { startPeriodicJob } from '@otk/runtime';
import type { Logger } from 'pino';
import type pg from 'pg';
import { eraseExpiredData } from '../data-access/retention.repository.js';
import { type RetentionPeriods, retentionCutoffs } from '../domain/retention.js';

/**
 * Erases personal data whose retention has run out (ADR 71), every `intervalMs`, and logs how
 * many of each kind went: counts, never contents. Returns the stop function.
 */
export function startRetention(
  deps: { pool: pg.Pool; now: () => Date },
  logger: Logger,
  intervalMs: number,
  periods: RetentionPeriods,
): () => Promise<void> {
  return startPeriodicJob({
    name: 'retention',
    intervalMs,
    logger,
    run: async () => {
      const erased = await eraseExpiredData(deps.pool, retentionCutoffs(deps.now(), periods));
      logger.info({ erased }, 'retention: erased data past its retention period');
    },
  });
}
