import { createPool, ping } from '@otk/db';
import { type TestDatabase, createTestDatabase } from '@otk/test-kit';
import { expect } from 'chai';
import { rejectionOf } from './rejection.js';

describe('pool', () => {
  let db: TestDatabase;

  before(async () => {
    db = await createTestDatabase();
  });

  after(async () => {
    await db.drop();
  });

  it('when the database is reachable, then ping resolves and the connection carries the application name', async () => {
    const pool = createPool({ connectionString: db.url, applicationName: 'db-pool-test' });
    try {
      await ping(pool);
      const { rows } = await pool.query<{ name: string }>(`SELECT current_setting('application_name') AS name`);
      expect(rows[0]?.name).to.equal('db-pool-test');
    } finally {
      await pool.end();
    }
  });

  it('when the database is unreachable, then ping rejects instead of hanging', async () => {
    const url = new URL(db.url);
    url.port = '1';
    const pool = createPool({ connectionString: url.toString(), applicationName: 'db-pool-test' });
    try {
      const error = await rejectionOf(ping(pool));
      expect(error.message).to.match(/ECONNREFUSED|connect/);
    } finally {
      await pool.end();
    }
  });
});
