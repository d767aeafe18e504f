import { randomUUID } from 'node:crypto';
import { type MigratedTestDatabase, createMigratedTestDatabase } from '@otk/test-kit';
import { expect } from 'chai';
import type pg from 'pg';
import { calendarSequenceFor } from '../src/data-access/calendar-sequence.repository.js';
import { claimMessage, markFailed, markSent } from '../src/data-access/message-log.repository.js';
import { migrations } from '../src/data-access/migrations.js';

describe('message log and calendar sequence on PostgreSQL', function () {
  this.timeout(30000);
  let db: MigratedTestDatabase;
  let pool: pg.Pool;

  before(async () => {
    db = await createMigratedTestDatabase(migrations);
    pool = db.pool;
  });

  after(async () => {
    await db?.drop();
  });

  const aKey = () => ({ eventId: randomUUID(), recipient: 'anna@example.org', kind: 'confirmation' as const });
  const details = { audience: 'patient' as const, channel: 'email' as const, bookingId: randomUUID() };

  it('when two deliveries of one event claim the same message at once, then one sends and the other is told it is busy', async () => {
    const key = aKey();
    const claims = await Promise.all([claimMessage(pool, key, details), claimMessage(pool, key, details)]);
    expect(claims.sort()).to.deep.equal(['busy', 'claimed']);
  });

  it('when a message was sent or refused for good, then a later claim finds it done', async () => {
    const sent = aKey();
    await claimMessage(pool, sent, details);
    await markSent(pool, sent, 'id-1');
    expect(await claimMessage(pool, sent, details)).to.equal('done');

    const rejected = aKey();
    await claimMessage(pool, rejected, details);
    await markFailed(pool, rejected, '550 no such user', true);
    expect(await claimMessage(pool, rejected, details)).to.equal('done');
  });

  it('when an attempt failed for now, or its worker died mid-send, then the next claim takes it and counts the attempt', async () => {
    const failed = aKey();
    await claimMessage(pool, failed, details);
    await markFailed(pool, failed, 'connection refused', false);
    expect(await claimMessage(pool, failed, details)).to.equal('claimed');

    const abandoned = aKey();
    await claimMessage(pool, abandoned, details);
    await pool.query(
      `UPDATE notification.message_log SET claimed_at = now() - interval '5 minutes' WHERE event_id = $1`,
      [abandoned.eventId],
    );
    expect(await claimMessage(pool, abandoned, details)).to.equal('claimed');
    const { rows } = await pool.query<{ attempts: number }>(
      'SELECT attempts FROM notification.message_log WHERE event_id = ANY($1)',
      [[failed.eventId, abandoned.eventId]],
    );
    expect(rows.map((r) => r.attempts)).to.deep.equal([2, 2]);
  });

  it('when events of one booking ask for a calendar sequence, then they get 0, 1, 2 and a redelivered event its own number again', async () => {
    const bookingId = randomUUID();
    const [first, second, third] = [randomUUID(), randomUUID(), randomUUID()];
    expect(await calendarSequenceFor(pool, bookingId, first)).to.equal(0);
    expect(await calendarSequenceFor(pool, bookingId, second)).to.equal(1);
    expect(await calendarSequenceFor(pool, bookingId, first)).to.equal(0);
    expect(await calendarSequenceFor(pool, bookingId, third)).to.equal(2);
    const concurrent = await Promise.all(
      Array.from({ length: 5 }, () => calendarSequenceFor(pool, bookingId, randomUUID())),
    );
    expect(concurrent.sort()).to.deep.equal([3, 4, 5, 6, 7]);
  });
});
