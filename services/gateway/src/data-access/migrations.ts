import { fileURLToPath } from 'node:url';
import type { MigrationSet } from '@otk/db';

/**
 * The gateway keeps no business data: its schema holds the console's staff accounts, sessions and
 * audit log (ADR 80) and the rate-limit counters (ADR 70).
 */
export const migrations: MigrationSet = {
  schema: 'gateway',
  dir: fileURLToPath(new URL('./migrations', import.meta.url)),
};
