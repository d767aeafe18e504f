import { fileURLToPath } from 'node:url';
import { type MigrationSet, runMigrations } from '@otk/db';
import { pino } from 'pino';

export const fixtureMigrationsDir = fileURLToPath(new URL('./fixtures/migrations', import.meta.url));
export const laterMigrationsDir = fileURLToPath(new URL('./fixtures/later-migrations', import.meta.url));

export const silentLogger = pino({ level: 'silent' });

let schemas = 0;

/** A schema name not used before in this test run, so tests sharing a database stay independent. */
export function uniqueSchema(prefix: string): string {
  schemas += 1;
  return `${prefix}_${schemas}`;
}

/** A fresh schema with the platform tables and the sample `widgets` table. */
export async function migratedSchema(databaseUrl: string, prefix: string): Promise<MigrationSet> {
  const set = { schema: uniqueSchema(prefix), dir: fixtureMigrationsDir };
  await runMigrations({ databaseUrl, set, logger: silentLogger });
  return set;
}
