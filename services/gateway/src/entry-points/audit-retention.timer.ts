import { startRetentionJob } from '@otk/runtime';
import type { Logger } from '@otk/telemetry';
import type pg from 'pg';
import { deleteExpiredAudit } from '../data-access/audit.repository.js';

/**
 * Deletes audit entries older than the retention the practice set in the console (ADR 80), every
 * `intervalMs`; logs the count (ADR 71). Safe on every replica at once: one DELETE.
 */
export function startAuditRetention(
  deps: { pool: pg.Pool; now: () => Date },
  logger: Logger,
  intervalMs: number,
): () => Promise<void> {
  return startRetentionJob({
    intervalMs,
    logger,
    erase: async () => ({ auditEntries: await deleteExpiredAudit(deps.pool, deps.now()) }),
  });
}
