import { fileURLToPath } from 'node:url';
import type { MigrationSet } from '@otk/db';

export const migrations: MigrationSet = {
  schema: 'hold_manager',
  dir: fileURLToPath(new URL('./migrations', import.meta.url)),
};
