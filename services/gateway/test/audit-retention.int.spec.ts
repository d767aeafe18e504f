import { type MigratedTestDatabase, createMigratedTestDatabase, oneRetentionRun } from '@otk/test-kit';
import { expect } from 'chai';
import { appendAudit, writeAuditRetentionDays } from '../src/data-access/audit.repository.js';
import { migrations } from '../src/data-access/migrations.js';
import { startAuditRetention } from '../src/entry-points/audit-retention.timer.js';

const day = 86_400_000;

describe('gateway audit retention: entries older than the practice keeps them are deleted', function () {
  this.timeout(30000);
  let db: MigratedTestDatabase;
  /** The retention job's clock; the entries are written at the database's real time. */
  let now: Date;

  before(async () => {
    db = await createMigratedTestDatabase(migrations);
  });
  after(async () => {
    await db?.drop();
  });

  /** One run of the retention job as the gateway schedules it; resolves with the counts it logged. */
  const runRetention = async () =>
    (
      await oneRetentionRun((logger, intervalMs) =>
        startAuditRetention({ pool: db.pool, now: () => now }, logger, intervalMs),
      )
    ).erased;
  const anEntry = (action: string) =>
    appendAudit(db.pool, {
      accountId: null,
      accountEmail: 'admin@practice.test',
      action,
      target: action,
      clientAddress: '192.0.2.1',
    });
  const actionsLeft = async () =>
    (await db.pool.query<{ action: string }>('SELECT action FROM gateway.audit_log ORDER BY action')).rows.map(
      (row) => row.action,
    );

  it('when the clock passes the retention the practice set, then older entries are gone, newer stay and the count is logged', async () => {
    await anEntry('old');
    await db.pool.query(`UPDATE gateway.audit_log SET at = now() - interval '200 days' WHERE action = 'old'`);
    await anEntry('new');
    await writeAuditRetentionDays(db.pool, 400);

    // The old entry is 380 days old then: within the 400 days set, beyond the default year.
    now = new Date(Date.now() + 180 * day);
    expect(await runRetention()).to.deep.equal({ auditEntries: 0 });
    expect(await actionsLeft()).to.deep.equal(['new', 'old']);

    // The old entry is 410 days old then, the new one 210.
    now = new Date(Date.now() + 210 * day);
    expect(await runRetention()).to.deep.equal({ auditEntries: 1 });
    expect(await actionsLeft()).to.deep.equal(['new']);
  });

  it('when the practice shortens the retention, then the next run applies it', async () => {
    now = new Date(Date.now() + 380 * day);
    expect(await runRetention()).to.deep.equal({ auditEntries: 0 });
    await writeAuditRetentionDays(db.pool, 365);
    expect(await runRetention()).to.deep.equal({ auditEntries: 1 });
    expect(await actionsLeft()).to.deep.equal([]);
  });

  it('when a retention below a year or above ten years is written, then the database refuses it', async () => {
    for (const days of [364, 3651]) {
      let refused: unknown;
      await writeAuditRetentionDays(db.pool, days).catch((error: unknown) => (refused = error));
      expect(refused, String(days)).to.be.instanceOf(Error);
    }
  });
});
