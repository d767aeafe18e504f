import type { StaffCatalogue } from '@otk/contracts';
import { expect } from 'chai';
import { type CatalogueEditorStore, changeCatalogue, unknownReferences } from './catalogue-editor.use-case.js';

const catalogue: StaffCatalogue = {
  timeZone: 'Europe/Zurich',
  managedByPracticeSystem: false,
  holidays: { country: 'CH', region: 'ZH', closed: true },
  practitioners: [
    { id: 'dr-muster', displayName: 'Dr. Muster', active: true, sortOrder: 0, resourceIds: [], weeklyHours: [] },
  ],
  groups: [{ id: 'dental', name: { de: 'Zahnmedizin' }, sortOrder: 0 }],
  appointmentTypes: [],
  resources: [{ id: 'room-1', name: 'Raum 1', kind: 'room' }],
  absences: [
    { id: 'a-1', practitionerId: null, startsAt: '2030-01-01T00:00', endsAt: '2030-01-02T00:00', reason: null },
  ],
};
const aType = {
  id: 'checkup',
  name: { de: 'Kontrolle' },
  durationMinutes: 30,
  bufferBeforeMinutes: 0,
  bufferAfterMinutes: 0,
  visitKinds: ['first' as const],
  groupId: 'dental',
  onlineBookable: true,
  sortOrder: 0,
  practitionerIds: ['dr-muster'],
};

/** A store over the catalogue above that records what it was asked to apply. */
function storeOf(applied: unknown[], current: StaffCatalogue = catalogue): CatalogueEditorStore {
  return {
    read: async () => current,
    apply: async (change) => void applied.push(change),
    lastImportAt: async () => null,
    applyImport: async (changes) => void applied.push(...changes),
  };
}

describe('changing the catalogue', () => {
  it('when a type names a known group and practitioner, then nothing is missing', () => {
    expect(unknownReferences(catalogue, { kind: 'putAppointmentType', appointmentType: aType })).to.deep.equal([]);
  });

  it('when a type names an unknown group and practitioner, then each is named by its path', () => {
    const change = {
      kind: 'putAppointmentType' as const,
      appointmentType: { ...aType, groupId: 'nope', practitionerIds: ['dr-muster', 'dr-nobody'] },
    };
    expect(unknownReferences(catalogue, change).map((p) => p.path)).to.deep.equal([
      'appointmentType.groupId',
      'appointmentType.practitionerIds.1',
    ]);
  });

  it('when an absence names an unknown practitioner, then it is refused and nothing is stored', async () => {
    const applied: unknown[] = [];
    const absence = {
      practitionerId: 'dr-nobody',
      startsAt: '2030-01-01T00:00',
      endsAt: '2030-01-02T00:00',
      reason: null,
    };
    const refused = await changeCatalogue(storeOf(applied), { kind: 'addAbsence', absence }).catch((e: unknown) => e);
    expect(refused).to.include({ code: 'VALIDATION_FAILED' });
    expect(applied).to.deep.equal([]);
  });

  it('when an absence to remove does not exist, then it is NOT_FOUND; a closure of the practice is kept', async () => {
    const applied: unknown[] = [];
    const store = storeOf(applied);
    const missing = await changeCatalogue(store, { kind: 'removeAbsence', absenceId: 'a-2' }).catch((e: unknown) => e);
    expect(missing).to.include({ code: 'NOT_FOUND' });
    const closure = { practitionerId: null, startsAt: '2030-02-01T00:00', endsAt: '2030-02-02T00:00', reason: null };
    await changeCatalogue(store, { kind: 'addAbsence', absence: closure });
    expect(applied).to.deep.equal([{ kind: 'addAbsence', absence: closure }]);
  });

  it('when the practice system keeps the catalogue, then a name or a new entry is refused, working hours and absences are not', async () => {
    const applied: unknown[] = [];
    const store = storeOf(applied, { ...catalogue, managedByPracticeSystem: true });
    const muster = catalogue.practitioners[0]!;
    const renamed = await changeCatalogue(store, {
      kind: 'putPractitioner',
      practitioner: { ...muster, displayName: 'Dr. Neu' },
    }).catch((e: unknown) => e);
    expect(renamed).to.include({ code: 'CATALOGUE_MANAGED_BY_PRACTICE_SYSTEM' });
    expect((renamed as { details: unknown }).details).to.deep.equal({
      fields: [{ path: 'practitioner.displayName', message: 'kept by the practice system' }],
    });
    const resource = await changeCatalogue(store, {
      kind: 'putResource',
      resource: { id: 'room-2', name: 'Raum 2', kind: 'room' },
    }).catch((e: unknown) => e);
    expect(resource).to.include({ code: 'CATALOGUE_MANAGED_BY_PRACTICE_SYSTEM' });
    expect(applied).to.deep.equal([]);

    const hours = { ...muster, weeklyHours: [{ weekday: 1, start: '08:00', end: '12:00' }] };
    await changeCatalogue(store, { kind: 'putPractitioner', practitioner: hours });
    const closure = { practitionerId: null, startsAt: '2030-02-01T00:00', endsAt: '2030-02-02T00:00', reason: null };
    await changeCatalogue(store, { kind: 'addAbsence', absence: closure });
    expect(applied).to.have.length(2);
  });
});
