import { readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

/** A service's migrations: the schema it owns and the directory of its `NNNN_name.sql` files. */
export interface MigrationSet {
  schema: string;
  dir: string;
}

/**
 * A directory of migrations and the table, inside the service's schema, that records which of
 * them ran. Every schema has two: the platform tables this package ships (outbox, processed
 * events) and the service's own; separate tables keep their numbering independent.
 */
export interface TrackedMigrations {
  dir: string;
  table: string;
}

// Resolves to packages/db/migrations both from src/ (development) and from dist/ (built).
const platformDir = fileURLToPath(new URL('../migrations', import.meta.url));

/** In the order they must run: the service's migrations may refer to the platform tables. */
export function trackedMigrations(set: MigrationSet): { platform: TrackedMigrations; service: TrackedMigrations } {
  return {
    platform: { dir: platformDir, table: 'platform_migrations' },
    service: { dir: set.dir, table: 'schema_migrations' },
  };
}

/**
 * Only `*.sql` files are migrations (one file each, `-- Up Migration` / `-- Down Migration`
 * sections); anything else in the directory, such as a README, is ignored. A node-pg-migrate
 * `ignorePattern`, which it anchors with ^…$.
 */
export const nonMigrationFilePattern = String.raw`(?:\..*|.*(?<!\.sql))`;

/** The migrations in `dir` by the name node-pg-migrate records for them: the file name without `.sql`. */
export async function migrationNames(dir: string): Promise<string[]> {
  const ignored = new RegExp(`^${nonMigrationFilePattern}$`);
  const entries = await readdir(dir, { withFileTypes: true });
  return entries
    .filter((entry) => (entry.isFile() || entry.isSymbolicLink()) && !ignored.test(entry.name))
    .map((entry) => entry.name.slice(0, -'.sql'.length))
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
}
