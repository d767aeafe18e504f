/**
 * Seeds the demo practice of a local stack (`make up`). Idempotent: running it again brings the
 * demo data back to its original state without duplicating anything. Each service's data is
 * written with that service's own database role.
 */
import { createPool } from '@otk/db';
import type pg from 'pg';
import { seedDemoPractice } from '../../services/availability/scripts/demo-practice.seed.js';
import { seedDemoPracticeSystem } from '../../services/pixelmedics-sync/scripts/demo-practice-system.seed.js';
import { seedDemoPracticeSettings } from '../../services/notification/scripts/demo-practice-settings.seed.js';

const seeds: [variable: string, seed: (pool: pg.Pool) => Promise<void>][] = [
  ['AVAILABILITY_DATABASE_URL', seedDemoPractice],
  ['PIXELMEDICS_SYNC_DATABASE_URL', seedDemoPracticeSystem],
  ['NOTIFICATION_DATABASE_URL', seedDemoPracticeSettings],
];

for (const [variable, seed] of seeds) {
  const connectionString = process.env[variable];
  if (!connectionString) {
    process.stderr.write(`${variable} is required\n`);
    process.exit(78);
  }
  const pool = createPool({ connectionString, applicationName: 'seed' });
  try {
    await seed(pool);
  } finally {
    await pool.end();
  }
}
process.stdout.write('demo practice seeded\n');
