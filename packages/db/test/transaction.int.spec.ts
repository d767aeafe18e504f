import { randomUUID } from 'node:crypto';
import { createPool, withTransaction } from '@otk/db';
import { type TestDatabase, createTestDatabase } from '@otk/test-kit';
import { expect } from 'chai';
import type pg from 'pg';
import { migratedSchema } from './fixture-schema.js';
import { rejectionOf } from './rejection.js';

describe('withTransaction', () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  let widgets: string;

  before(async () => {
    db = await createTestDatabase();
    // One connection only: a transaction that failed to release it would block the next test.
    pool = createPool({ connectionString: db.url, applicationName: 'db-transaction-test', max: 1 });
    widgets = `"${(await migratedSchema(db.url, 'transactions')).schema}".widgets`;
  });

  after(async () => {
    await pool.end();
    await db.drop();
  });

  async function widgetExists(id: string): Promise<boolean> {
    const { rowCount } = await pool.query(`SELECT 1 FROM ${widgets} WHERE id = $1`, [id]);
    return rowCount === 1;
  }

  it('when the work resolves, then its changes are committed and its result returned', async () => {
    const id = randomUUID();

    const result = await withTransaction(pool, async (client) => {
      await client.query(`INSERT INTO ${widgets} (id, name) VALUES ($1, 'committed')`, [id]);
      return 'done';
    });

    expect(result).to.equal('done');
    expect(await widgetExists(id)).to.equal(true);
  });

  it('when the work throws, then its changes are rolled back and the error is rethrown', async () => {
    const id = randomUUID();

    const error = await rejectionOf(
      withTransaction(pool, async (client) => {
        await client.query(`INSERT INTO ${widgets} (id, name) VALUES ($1, 'rolled back')`, [id]);
        throw new Error('work failed');
      }),
    );

    expect(error.message).to.equal('work failed');
    expect(await widgetExists(id)).to.equal(false);
  });

  it('when a statement fails, then the connection goes back to the pool usable', async () => {
    await rejectionOf(withTransaction(pool, (client) => client.query('SELECT * FROM no_such_table')));

    const result = await withTransaction(
      pool,
      async (client) => (await client.query<{ one: number }>('SELECT 1 AS one')).rows[0]?.one,
    );

    expect(result).to.equal(1);
    expect(pool.totalCount).to.equal(1);
  });
});
