import { createPool, runMigrations } from '@otk/db';
import { type TestDatabase, createTestDatabase } from '@otk/test-kit';
import type pg from 'pg';
import { pino } from 'pino';
import { migrations } from '../../src/data-access/migrations.js';

/** A database of its own with this service's schema migrated, and a pool on it. */
export async function createMigratedDatabase(): Promise<{ db: TestDatabase; pool: pg.Pool; drop(): Promise<void> }> {
  const db = await createTestDatabase();
  await runMigrations({ databaseUrl: db.url, set: migrations, logger: pino({ level: 'silent' }) });
  const pool = createPool({ connectionString: db.url, applicationName: 'test' });
  return {
    db,
    pool,
    async drop() {
      await pool.end();
      await db.drop();
    },
  };
}
