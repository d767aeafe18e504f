import { withTransaction } from '@otk/db';
import type pg from 'pg';

/** Deadlock and serialization failures: PostgreSQL rolled the transaction back, so running it again is safe. */
const retriable = new Set(['40P01', '40001']);
const MAX_ATTEMPTS = 3;

/**
 * One transaction, run again when PostgreSQL aborted it for a deadlock — possible when two
 * requests expire the same overdue holds in a different order.
 */
export async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await withTransaction(pool, work);
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (attempt >= MAX_ATTEMPTS || !code || !retriable.has(code)) throw error;
    }
  }
}
