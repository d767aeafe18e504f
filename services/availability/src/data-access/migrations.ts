import { fileURLToPath } from 'node:url';
import type { MigrationSet } from '@otk/db';

export const migrations: MigrationSet = {
  schema: 'availability',
  dir: fileURLToPath(new URL('./migrations', import.meta.url)),
};
