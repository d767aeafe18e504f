/**
 * Seeds the demo practice of a local stack (`make up`). Idempotent: running it again brings the
 * demo data back to its original state without duplicating anything.
 */
import pg from 'pg';

const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) {
  process.stderr.write('DATABASE_URL is required\n');
  process.exit(78);
}

const client = new pg.Client({ connectionString: databaseUrl });
await client.connect();
try {
  await client.query('BEGIN');
  await client.query(
    `INSERT INTO availability.practice (name, time_zone, default_language, languages)
     VALUES ($1, 'Europe/Zurich', 'de', ARRAY['de', 'fr', 'it', 'en'])
     ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, time_zone = EXCLUDED.time_zone,
       default_language = EXCLUDED.default_language, languages = EXCLUDED.languages, updated_at = now()`,
    ['Zahnarztpraxis Dr. Muster'],
  );
  await client.query('COMMIT');
  process.stdout.write('demo practice seeded\n');
} catch (error) {
  await client.query('ROLLBACK');
  throw error;
} finally {
  await client.end();
}
