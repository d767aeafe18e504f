import { startRetentionJob } from '@otk/runtime';
import type { Logger } from 'pino';
import type pg from 'pg';
import { eraseOldMessageLog } from '../data-access/retention.repository.js';

/** Trims the message log to `days` (ADR 71), every `intervalMs`; logs the count. */
export function startRetention(
  deps: { pool: pg.Pool; now: () => Date },
  logger: Logger,
  options: { intervalMs: number; days: number },
): () => Promise<void> {
  return startRetentionJob({
    intervalMs: options.intervalMs,
    logger,
    erase: () => eraseOldMessageLog(deps.pool, new Date(deps.now().getTime() - options.days * 86_400_000)),
  });
}
