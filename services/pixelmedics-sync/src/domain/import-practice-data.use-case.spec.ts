import { type EventOf, parseEvent } from '@otk/contracts';
import { expect } from 'chai';
import { InMemoryImportLog, InMemoryPracticeSystem, settingsOf } from '../../test/support/in-memory-ports.js';
import { importPracticeData } from './import-practice-data.use-case.js';

const now = new Date('2030-01-01T08:00:00.000Z');
const staffEntry = {
  entryId: 'staff-1',
  start: '2030-01-02T09:00:00.000Z',
  end: '2030-01-02T10:00:00.000Z',
  practitionerId: 'dr-muster',
  resourceIds: ['room-1'],
};

function setUp(horizonDays = 30) {
  const practice = new InMemoryPracticeSystem();
  const imports = new InMemoryImportLog();
  return { practice, imports, deps: { settings: settingsOf({ importHorizonDays: horizonDays }), practice, imports } };
}

describe('importing the practice data (use case, in memory)', () => {
  it('when the first import runs, then the busy times up to the horizon are published, and the import is remembered', async () => {
    const { practice, imports, deps } = setUp(30);
    practice.busyTimes = [
      staffEntry,
      { ...staffEntry, entryId: 'beyond', start: '2030-03-01T09:00:00.000Z', end: '2030-03-01T10:00:00.000Z' },
    ];

    const result = await importPracticeData(deps, { now });

    expect(result).to.deep.equal({ busyTimes: 1, changed: true, importedAt: now.toISOString() });
    expect(imports.published.map((e) => e.type)).to.deep.equal(['practice.busyTimesImported']);
    expect(
      imports.published.every((e) => parseEvent(e).ok),
      'valid events',
    ).to.equal(true);
    const busy = imports.published[0] as EventOf<'practice.busyTimesImported'>;
    expect(busy.data).to.deep.equal({
      from: '2030-01-01T08:00:00.000Z',
      to: '2030-01-31T08:00:00.000Z',
      busyTimes: [staffEntry],
    });
    expect(imports.lastImportedAt).to.deep.equal(now);
  });

  it('when the practice system is master of the catalogue, then its catalogue is published before the busy times', async () => {
    const { practice, imports, deps } = setUp();

    await importPracticeData({ ...deps, catalogueMaster: true }, { now });

    expect(imports.published.map((e) => e.type)).to.deep.equal([
      'practice.catalogueImported',
      'practice.busyTimesImported',
    ]);
    const imported = imports.published[0] as EventOf<'practice.catalogueImported'>;
    expect(parseEvent(imported).ok).to.equal(true);
    expect(imported.data).to.deep.equal({ importedAt: now.toISOString(), ...practice.catalogue });
  });

  it('when nothing changed since the last import, then nothing is published', async () => {
    const { practice, imports, deps } = setUp();
    practice.busyTimes = [staffEntry];
    await importPracticeData(deps, { now });

    const again = await importPracticeData(deps, { now });

    expect(again.changed).to.equal(false);
    expect(imports.published).to.have.length(1);
  });

  it('when staff changed the practice calendar, then the next import publishes again', async () => {
    const { practice, imports, deps } = setUp();
    await importPracticeData(deps, { now });
    practice.busyTimes = [staffEntry];

    const next = await importPracticeData(deps, { now });

    expect(next).to.deep.include({ changed: true, busyTimes: 1 });
    expect(imports.published).to.have.length(2);
  });

  it('when an unchanged import is forced, then it is published again (a consumer rebuilding its state)', async () => {
    const { imports, deps } = setUp();
    await importPracticeData(deps, { now });

    const forced = await importPracticeData(deps, { now, force: true });

    expect(forced.changed).to.equal(true);
    expect(imports.published).to.have.length(2);
  });

  it('when the practice system cannot be read, then the import fails and nothing is published or remembered', async () => {
    const { practice, imports, deps } = setUp();
    practice.failNext.set('readBusyTimes', new Error('connector down'));

    const failed = await importPracticeData(deps, { now }).catch((e: unknown) => e);

    expect(failed).to.have.property('message', 'connector down');
    expect(imports.published).to.have.length(0);
    expect(imports.lastFingerprint).to.equal(undefined);
  });
});
