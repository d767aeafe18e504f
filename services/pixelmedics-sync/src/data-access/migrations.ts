import { fileURLToPath } from 'node:url';
import type { MigrationSet } from '@otk/db';

export const migrations: MigrationSet = {
  schema: 'pixelmedics_sync',
  dir: fileURLToPath(new URL('./migrations', import.meta.url)),
};
