import { fileURLToPath } from 'node:url';
import type { MigrationSet } from '@otk/db';

/** The gateway keeps no business data; its schema holds the rate-limit counters (ADR 70). */
export const migrations: MigrationSet = {
  schema: 'gateway',
  dir: fileURLToPath(new URL('./migrations', import.meta.url)),
};
