import type { BusyTimesImportedV1 } from '@otk/contracts';
import { withTransaction } from '@otk/db';
import { type MigratedTestDatabase, createMigratedTestDatabase } from '@otk/test-kit';
import { expect } from 'chai';
import type pg from 'pg';
import { replacePracticeBusyTimes } from '../src/data-access/busy-times.repository.js';
import { migrations } from '../src/data-access/migrations.js';

const anImport = (...entryIds: string[]): BusyTimesImportedV1 => ({
  from: '2030-01-01T00:00:00.000Z',
  to: '2030-03-01T00:00:00.000Z',
  busyTimes: entryIds.map((entryId) => ({
    entryId,
    start: '2030-01-07T09:00:00.000Z',
    end: '2030-01-07T10:00:00.000Z',
    practitionerId: 'dr-muster',
    resourceIds: ['room-1'],
  })),
});

describe('busy times imported from the practice system', () => {
  let db: MigratedTestDatabase;
  let pool: pg.Pool;

  before(async () => {
    db = await createMigratedTestDatabase(migrations);
    pool = db.pool;
  });

  after(async () => {
    await db?.drop();
  });

  const apply = (imported: BusyTimesImportedV1, at: string) =>
    withTransaction(pool, (client) => replacePracticeBusyTimes(client, imported, new Date(at)));
  const blocking = async () =>
    (
      await pool.query(
        `SELECT source_id, occupants FROM availability.busy_times
          WHERE source = 'practice-system' AND status = 'busy' ORDER BY source_id`,
      )
    ).rows as { source_id: string; occupants: unknown }[];

  it('when an import arrives, then its entries block the practitioner and the rooms; a later import without an entry frees it; an older import changes nothing', async () => {
    await apply(anImport('e-1', 'e-2'), '2030-01-01T10:00:00Z');
    expect(await blocking()).to.deep.equal([
      {
        source_id: 'e-1',
        occupants: [
          { kind: 'practitioner', id: 'dr-muster' },
          { kind: 'resource', id: 'room-1' },
        ],
      },
      {
        source_id: 'e-2',
        occupants: [
          { kind: 'practitioner', id: 'dr-muster' },
          { kind: 'resource', id: 'room-1' },
        ],
      },
    ]);

    await apply(anImport('e-2'), '2030-01-01T11:00:00Z');
    expect((await blocking()).map((r) => r.source_id)).to.deep.equal(['e-2']);

    await apply(anImport('e-1', 'e-2'), '2030-01-01T10:30:00Z');
    expect((await blocking()).map((r) => r.source_id)).to.deep.equal(['e-2']);
  });
});
