import type { Logger } from '@otk/telemetry';
import type pg from 'pg';
import { deleteAuditOlderThan } from '../data-access/audit.repository.js';
import { type SessionTimeouts, deleteExpiredSessions } from '../data-access/session.repository.js';
import { deleteOldAttempts } from '../data-access/sign-in-attempt.repository.js';

const INTERVAL_MS = 15 * 60 * 1000;

/**
 * Every 15 minutes (and at start): drops sessions past their timeouts, sign-in attempts older
 * than the brute-force window and audit entries older than the practice's retention. Safe on
 * every replica at once: each is one idempotent DELETE.
 */
export function startAdminHousekeeping(options: {
  pool: pg.Pool;
  logger: Logger;
  timeouts: SessionTimeouts;
  attemptWindowSeconds: number;
  auditRetentionDays: number;
}): () => Promise<void> {
  let running: Promise<void> = Promise.resolve();
  const run = () => {
    running = (async () => {
      try {
        await deleteExpiredSessions(options.pool, options.timeouts);
        await deleteOldAttempts(options.pool, options.attemptWindowSeconds);
        await deleteAuditOlderThan(options.pool, options.auditRetentionDays);
      } catch (error) {
        options.logger.warn({ err: error }, 'console housekeeping failed; trying again later');
      }
    })();
  };
  run();
  const timer = setInterval(run, INTERVAL_MS);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
