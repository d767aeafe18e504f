import { createPool, isDatabaseUnavailable, ping, withTransaction } from '@otk/db';
import { setTimeout as sleep } from 'node:timers/promises';
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

  it('when the connection of a client checked out inside a transaction drops, then the process lives on, the transaction fails as unavailable and the next query gets a fresh connection', async () => {
    const pool = createPool({ connectionString: db.url, applicationName: 'db-pool-test', max: 1 });
    const admin = createPool({ connectionString: db.url, applicationName: 'db-pool-test-admin' });
    try {
      const error = await rejectionOf(
        withTransaction(pool, async (client) => {
          const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
          await admin.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]);
          // Between two statements, as while waiting for the broker: the drop arrives as an
          // 'error' event on the checked-out client, which must not be an uncaught exception.
          await sleep(200);
          await client.query('SELECT 1');
        }),
      );
      expect(isDatabaseUnavailable(error), error.message).to.equal(true);

      await ping(pool);
      expect(pool.totalCount).to.equal(1);
    } finally {
      await Promise.all([pool.end(), admin.end()]);
    }
  });
});
