import { type MigratedTestDatabase, createMigratedTestDatabase } from '@otk/test-kit';
import { expect } from 'chai';
import type pg from 'pg';
import { loadCatalogue } from '../src/data-access/catalogue.repository.js';
import { seedDemoPractice } from '../scripts/demo-practice.seed.js';
import { migrations } from '../src/data-access/migrations.js';

describe('demo practice seed on a real PostgreSQL', function () {
  this.timeout(60000);
  let db: MigratedTestDatabase;
  let pool: pg.Pool;

  before(async () => {
    db = await createMigratedTestDatabase(migrations);
    pool = db.pool;
  });

  after(async () => {
    await db?.drop();
  });

  it('when seeded twice, then the catalogue is the same and holds everything the demo needs', async () => {
    const now = new Date('2026-03-25T09:00:00Z');
    await seedDemoPractice(pool, now);
    const first = await loadCatalogue(pool);
    await seedDemoPractice(pool, now);
    const second = await loadCatalogue(pool);
    expect(JSON.stringify(second)).to.equal(JSON.stringify(first));

    const catalogue = second!;
    expect(catalogue.practice.timeZone).to.equal('Europe/Zurich');
    expect(catalogue.practitioners).to.have.length.of.at.least(3);
    expect(catalogue.groups).to.have.length.of.at.least(2);
    expect(new Set(catalogue.types.map((t) => t.durationMinutes)).size).to.be.at.least(5);
    expect(catalogue.types.some((t) => t.visitKinds.join() === 'first')).to.equal(true);
    expect(catalogue.types.some((t) => t.visitKinds.join() === 'followup')).to.equal(true);
    const holders = catalogue.practitioners.filter((p) => p.resourceIds.includes('room-2')).map((p) => p.id);
    expect(holders).to.have.members(['dr-keller', 'dh-rossi']);
    expect(catalogue.absences.some((a) => a.practitionerId !== null)).to.equal(true);
    // Part-time: someone does not work every weekday.
    expect(catalogue.practitioners.some((p) => Object.keys(p.weeklyHours).length < 5)).to.equal(true);
    // Holidays of canton Zurich come from the library: Sechseläuten is not one, Knabenschiessen
    // is optional, Auffahrt (Ascension) and 1 August are.
    expect(catalogue.isHoliday('2026-05-14')).to.equal(true);
    expect(catalogue.isHoliday('2026-08-01')).to.equal(true);
    expect(catalogue.isHoliday('2026-09-14')).to.equal(false);
    expect(catalogue.isHoliday('2026-05-13')).to.equal(false);
  });
});
