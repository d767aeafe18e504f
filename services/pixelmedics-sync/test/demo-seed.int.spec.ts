import { expect } from 'chai';
import type pg from 'pg';
import type { MigratedTestDatabase } from '@otk/test-kit';
import { createMigratedDatabase } from './support/migrated-database.js';
import { BuiltinPracticeSystem } from '../src/data-access/builtin-practice-system.js';
import { seedDemoPracticeSystem } from '../scripts/demo-practice-system.seed.js';

describe('demo practice system', () => {
  let database: MigratedTestDatabase;
  let pool: pg.Pool;

  before(async () => {
    database = await createMigratedDatabase();
    pool = database.pool;
  });

  after(async () => {
    await database?.drop();
  });

  it('when seeded twice, then the catalogue links rooms to practitioners and two staff entries block the coming days', async () => {
    const now = new Date('2026-11-25T12:00:00Z'); // a Wednesday
    await seedDemoPracticeSystem(pool, now);
    await seedDemoPracticeSystem(pool, now);
    const practice = new BuiltinPracticeSystem(pool);

    const catalogue = await practice.readCatalogue();
    expect(catalogue.practitioners.find((p) => p.id === 'dh-rossi')?.resourceIds).to.deep.equal(['room-2']);
    const busy = await practice.readBusyTimes(now, new Date('2026-12-31T00:00:00Z'));
    expect(busy.map((b) => b.start)).to.deep.equal(['2026-11-26T09:00:00.000Z', '2026-11-27T09:00:00.000Z']);
    expect(busy[0]).to.deep.include({ practitionerId: 'dr-muster', resourceIds: ['room-1'] });
  });
});
