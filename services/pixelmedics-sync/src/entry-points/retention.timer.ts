import { startRetentionJob } from '@otk/runtime';
import type { Logger } from 'pino';
import type pg from 'pg';
import { eraseOldSyncData } from '../data-access/retention.repository.js';

const day = 86_400_000;

/** Trims sync jobs and published event data (ADR 71), every `intervalMs`; logs the counts. */
export function startRetention(
  deps: { pool: pg.Pool; now: () => Date },
  logger: Logger,
  options: { intervalMs: number; doneJobDays: number; failedJobDays: number; publishedEventMinutes: number },
): () => Promise<void> {
  return startRetentionJob({
    intervalMs: options.intervalMs,
    logger,
    erase: () => {
      const now = deps.now().getTime();
      return eraseOldSyncData(deps.pool, {
        doneJobsBefore: new Date(now - options.doneJobDays * day),
        failedJobsBefore: new Date(now - options.failedJobDays * day),
        publishedEventsBefore: new Date(now - options.publishedEventMinutes * 60_000),
      });
    },
  });
}
