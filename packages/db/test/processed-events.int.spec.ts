import { randomUUID } from 'node:crypto';
import { type MigrationSet, createPool, markProcessed, withTransaction } from '@otk/db';
import { type TestDatabase, createTestDatabase } from '@otk/test-kit';
import { expect } from 'chai';
import type pg from 'pg';
import { migratedSchema } from './fixture-schema.js';
import { rejectionOf } from './rejection.js';

describe('markProcessed', () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  let set: MigrationSet;

  before(async () => {
    db = await createTestDatabase();
    pool = createPool({ connectionString: db.url, applicationName: 'db-processed-events-test' });
    set = await migratedSchema(db.url, 'inbox');
  });

  after(async () => {
    await pool.end();
    await db.drop();
  });

  const mark = (consumer: string, eventId: string) =>
    withTransaction(pool, (client) => markProcessed(client, set.schema, consumer, eventId));

  it('when an event is marked twice for one consumer, then the first call returns true and the second false', async () => {
    const eventId = randomUUID();

    expect(await mark('notification.booking-held', eventId)).to.equal(true);
    expect(await mark('notification.booking-held', eventId)).to.equal(false);
  });

  it('when two consumers process the same event, then each sees it as new', async () => {
    const eventId = randomUUID();

    expect(await mark('notification.booking-held', eventId)).to.equal(true);
    expect(await mark('availability.booking-held', eventId)).to.equal(true);
  });

  it('when the consumer transaction rolls back, then the event counts as not processed', async () => {
    const eventId = randomUUID();

    await rejectionOf(
      withTransaction(pool, async (client) => {
        await markProcessed(client, set.schema, 'notification.booking-held', eventId);
        throw new Error('handler failed');
      }),
    );

    expect(await mark('notification.booking-held', eventId)).to.equal(true);
  });
});
