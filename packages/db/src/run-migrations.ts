import { runner } from 'node-pg-migrate';
import type { Logger } from 'pino';
import {
  type MigrationSet,
  type TrackedMigrations,
  nonMigrationFilePattern,
  trackedMigrations,
} from './migration-files.js';
import { quoteSchema } from './schema-name.js';

/**
 * Brings one service's schema up to date: creates the schema if missing, applies the platform
 * migrations (outbox, processed events), then the service's own. Run by the migration job, never
 * by a service at start-up. Safe when several run at once: each step holds node-pg-migrate's
 * advisory lock (one per database) and waits for it rather than failing.
 *
 * @returns the names of the service migrations applied by this run (platform ones are logged).
 */
export async function runMigrations(options: {
  databaseUrl: string;
  set: MigrationSet;
  logger: Logger;
}): Promise<{ applied: string[] }> {
  const { databaseUrl, set } = options;
  quoteSchema(set.schema);
  const logger = options.logger.child({ schema: set.schema });
  const { platform, service } = trackedMigrations(set);
  const platformApplied = await migrate(databaseUrl, set.schema, platform, logger);
  const applied = await migrate(databaseUrl, set.schema, service, logger);
  logger.info(
    { platformApplied, applied },
    applied.length + platformApplied.length > 0 ? 'migrations applied' : 'schema already current',
  );
  return { applied };
}

async function migrate(
  databaseUrl: string,
  schema: string,
  tracked: TrackedMigrations,
  logger: Logger,
): Promise<string[]> {
  const migrationLogger = logger.child({ migrationsTable: tracked.table });
  const ran = await runner({
    databaseUrl,
    schema,
    createSchema: true,
    dir: tracked.dir,
    ignorePattern: nonMigrationFilePattern,
    migrationsTable: tracked.table,
    direction: 'up',
    checkOrder: true,
    // All pending files or none: a failed run leaves the schema as it was.
    singleTransaction: true,
    advisoryLockMode: 'wait',
    logger: {
      // node-pg-migrate narrates every step at info; that detail belongs at debug.
      info: (message) => migrationLogger.debug(message),
      warn: (message) => migrationLogger.warn(message),
      error: (message) => migrationLogger.error(message),
    },
  });
  return ran.map((migration) => migration.name);
}
