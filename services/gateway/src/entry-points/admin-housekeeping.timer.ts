import type { Logger } from '@otk/telemetry';
import type pg from 'pg';
import { type SessionTimeouts, deleteExpiredSessions } from '../data-access/session.repository.js';
import { deleteOldAttempts } from '../data-access/sign-in-attempt.repository.js';

const INTERVAL_MS = 15 * 60 * 1000;

/**
 * Every 15 minutes (and at start): drops sessions past their timeouts, sign-in attempts older
 * than the brute-force window. Safe on every replica at once: each is one idempotent DELETE. (The
 * audit log's retention is a retention job of its own: audit-retention.timer.ts.)
 */
export function startAdminHousekeeping(options: {
  pool: pg.Pool;
  logger: Logger;
  timeouts: SessionTimeouts;
  attemptWindowSeconds: number;
}): () => Promise<void> {
  let running: Promise<void> = Promise.resolve();
  const run = () => {
    running = (async () => {
      try {
        await deleteExpiredSessions(options.pool, options.timeouts);
        await deleteOldAttempts(options.pool, options.attemptWindowSeconds);
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
