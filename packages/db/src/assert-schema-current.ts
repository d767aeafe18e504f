import type pg from 'pg';
import { type MigrationSet, type TrackedMigrations, migrationNames, trackedMigrations } from './migration-files.js';
import { quoteSchema } from './schema-name.js';

/**
 * Throws, naming every missing file, when the schema lacks a migration this code ships — platform
 * or service. Called at start-up so a service deployed before its migration job ran exits with a
 * clear message instead of failing on its first query. Migrations in the database that the code
 * does not know are fine: during a rolling update the old version runs against the newer schema.
 */
export async function assertSchemaCurrent(pool: pg.Pool, set: MigrationSet): Promise<void> {
  const { platform, service } = trackedMigrations(set);
  const missing = [
    ...(await missingMigrations(pool, set.schema, platform)).map((name) => `${name}.sql (platform)`),
    ...(await missingMigrations(pool, set.schema, service)).map((name) => `${name}.sql`),
  ];
  if (missing.length > 0) {
    throw new Error(
      `schema "${set.schema}" is older than this code: missing migrations ${missing.join(', ')}; run the migration job first`,
    );
  }
}

async function missingMigrations(pool: pg.Pool, schema: string, tracked: TrackedMigrations): Promise<string[]> {
  const expected = await migrationNames(tracked.dir);
  const table = `${quoteSchema(schema)}.${tracked.table}`;
  const { rows: found } = await pool.query<{ present: boolean }>('SELECT to_regclass($1) IS NOT NULL AS present', [
    table,
  ]);
  if (!found[0]?.present) return expected;
  const { rows } = await pool.query<{ name: string }>(`SELECT name FROM ${table}`);
  const applied = new Set(rows.map((row) => row.name));
  return expected.filter((name) => !applied.has(name));
}
