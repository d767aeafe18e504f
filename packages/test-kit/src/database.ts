import { randomBytes } from 'node:crypto';
import { type MigrationSet, createPool, runMigrations } from '@otk/db';
import pg from 'pg';
import { pino } from 'pino';

/** The server tests run against; `.ci/run` makes sure it is up. */
export const TEST_POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** Creates a database of its own for one test run, so runs never see each other's data. */
export async function createTestDatabase(prefix = 'otk_test'): Promise<TestDatabase> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(TEST_POSTGRES_URL);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

export interface MigratedTestDatabase extends TestDatabase {
  pool: pg.Pool;
}

/**
 * A database of its own with one service's schema migrated (as its migration job would), and a
 * pool on it; `drop()` ends the pool too.
 */
export async function createMigratedTestDatabase(set: MigrationSet): Promise<MigratedTestDatabase> {
  const db = await createTestDatabase();
  await runMigrations({ databaseUrl: db.url, set, logger: pino({ level: 'silent' }) });
  const pool = createPool({ connectionString: db.url, applicationName: 'test' });
  return {
    ...db,
    pool,
    async drop() {
      await pool.end();
      await db.drop();
    },
  };
}
