import { setTimeout as sleep } from 'node:timers/promises';
import { withTransaction } from '@otk/db';
import { assertBeforeDeadline } from '@otk/messaging';
import type pg from 'pg';

/** Deadlock and serialization failures: PostgreSQL rolled the transaction back, so running it again is safe. */
const retriable = new Set(['40P01', '40001']);
const MAX_ATTEMPTS = 5;

/**
 * One transaction, run again when PostgreSQL aborted it for a deadlock. Two transactions that
 * insert conflicting occupations at the same moment can each find the other's row in the
 * exclusion index and wait for each other; PostgreSQL then aborts one. Run again a moment later,
 * it finds the winner's committed row and answers SLOT_TAKEN. The jitter keeps the retries of
 * several losers from meeting again.
 *
 * Serving a command, the transaction commits only while its caller still waits: past the
 * command's deadline it rolls back with TIMEOUT, so a hold the patient was told failed is never
 * made behind their back.
 */
export async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await withTransaction(pool, async (client) => {
        const result = await work(client);
        assertBeforeDeadline();
        return result;
      });
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (attempt >= MAX_ATTEMPTS || !code || !retriable.has(code)) throw error;
      await sleep(Math.random() * 20 * attempt);
    }
  }
}
