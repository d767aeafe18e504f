/**
 * Seeds the demo practice of a local stack (`make up`). Idempotent: running it again brings the
 * demo data back to its original state without duplicating anything.
 */
import { createPool } from '@otk/db';
import { seedDemoPractice } from '../../services/availability/src/data-access/demo-practice.seed.js';

const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) {
  process.stderr.write('DATABASE_URL is required\n');
  process.exit(78);
}

const pool = createPool({ connectionString: databaseUrl, applicationName: 'seed' });
try {
  await seedDemoPractice(pool);
  process.stdout.write('demo practice seeded\n');
} finally {
  await pool.end();
}
