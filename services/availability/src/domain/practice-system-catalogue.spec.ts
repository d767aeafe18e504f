import type { CatalogueImportedV1, StaffCatalogue } from '@otk/contracts';
import { expect } from 'chai';
import { changesForImport, keptByPracticeSystem } from './practice-system-catalogue.js';

const hours = [{ weekday: 1, start: '08:00', end: '12:00' }];
const current: StaffCatalogue = {
  timeZone: 'Europe/Zurich',
  managedByPracticeSystem: false,
  holidays: { country: 'CH', region: 'ZH', closed: true },
  practitioners: [
    {
      id: 'dr-muster',
      displayName: 'Dr. Muster',
      active: true,
      sortOrder: 0,
      resourceIds: ['room-1'],
      weeklyHours: hours,
    },
    { id: 'dr-alt', displayName: 'Dr. Alt', active: true, sortOrder: 1, resourceIds: [], weeklyHours: hours },
  ],
  groups: [],
  appointmentTypes: [
    {
      id: 'checkup',
      name: { de: 'Kontrolle', fr: 'Contrôle' },
      durationMinutes: 30,
      bufferBeforeMinutes: 5,
      bufferAfterMinutes: 0,
      visitKinds: ['followup'],
      groupId: null,
      onlineBookable: true,
      sortOrder: 0,
      practitionerIds: ['dr-muster'],
    },
  ],
  resources: [{ id: 'room-1', name: 'Raum 1', kind: 'room' }],
  absences: [],
};
const imported: CatalogueImportedV1 = {
  importedAt: '2030-01-01T08:00:00.000Z',
  practitioners: [
    { id: 'dr-muster', name: 'Dr. med. dent. Eva Muster', resourceIds: ['room-1', 'xray'] },
    { id: 'dr-neu', name: 'Dr. Neu', resourceIds: [] },
  ],
  resources: [
    { id: 'room-1', name: 'Raum 1', kind: 'room' },
    { id: 'xray', name: 'Röntgen', kind: 'device' },
  ],
  appointmentTypes: [
    { id: 'checkup', name: 'Jahreskontrolle', durationMinutes: 45 },
    { id: 'implant', name: 'Implantat', durationMinutes: 90 },
  ],
};

describe('a catalogue kept by the practice system', () => {
  it('when an import arrives, then its parts are taken over and what staff set around them stays', () => {
    const changes = changesForImport(current, imported);
    expect(changes.map((c) => c.kind)).to.deep.equal([
      'putResource',
      'putPractitioner',
      'putPractitioner',
      'putPractitioner',
      'putAppointmentType',
      'putAppointmentType',
    ]);
    expect(changes[0]).to.deep.equal({ kind: 'putResource', resource: imported.resources[1] });
    expect(changes[1]).to.deep.equal({
      kind: 'putPractitioner',
      practitioner: {
        id: 'dr-muster',
        displayName: 'Dr. med. dent. Eva Muster',
        active: true,
        sortOrder: 0,
        resourceIds: ['room-1', 'xray'],
        weeklyHours: hours,
      },
    });
    expect(changes[2]).to.deep.include({ kind: 'putPractitioner' });
    expect(changes[3]).to.deep.equal({
      kind: 'putPractitioner',
      practitioner: { ...current.practitioners[1]!, active: false },
    });
    expect(changes[4]).to.deep.equal({
      kind: 'putAppointmentType',
      appointmentType: {
        ...current.appointmentTypes[0]!,
        name: { de: 'Jahreskontrolle', fr: 'Contrôle' },
        durationMinutes: 45,
      },
    });
    expect(changes[5]).to.deep.include({ kind: 'putAppointmentType' });
    expect((changes[5] as { appointmentType: { onlineBookable: boolean } }).appointmentType.onlineBookable).to.equal(
      false,
    );
  });

  it('when the same import arrives again, then nothing changes', () => {
    const after: StaffCatalogue = {
      ...current,
      practitioners: [
        { ...current.practitioners[0]!, displayName: 'Dr. med. dent. Eva Muster', resourceIds: ['xray', 'room-1'] },
        { id: 'dr-neu', displayName: 'Dr. Neu', active: true, sortOrder: 3, resourceIds: [], weeklyHours: [] },
        { ...current.practitioners[1]!, active: false },
      ],
      resources: imported.resources,
      appointmentTypes: [
        { ...current.appointmentTypes[0]!, name: { de: 'Jahreskontrolle', fr: 'Contrôle' }, durationMinutes: 45 },
        {
          ...current.appointmentTypes[0]!,
          id: 'implant',
          name: { de: 'Implantat' },
          durationMinutes: 90,
          onlineBookable: false,
        },
      ],
    };
    expect(changesForImport(after, imported)).to.deep.equal([]);
  });

  it('when staff change what the practice system keeps, then the field is named; hours, buffers and languages are theirs', () => {
    const muster = current.practitioners[0]!;
    const checkup = current.appointmentTypes[0]!;
    expect(
      keptByPracticeSystem(current, { kind: 'putPractitioner', practitioner: { ...muster, resourceIds: [] } }),
    ).to.equal('practitioner.resourceIds');
    expect(
      keptByPracticeSystem(current, { kind: 'putPractitioner', practitioner: { ...muster, id: 'dr-x' } }),
    ).to.equal('practitioner.id');
    expect(
      keptByPracticeSystem(current, {
        kind: 'putAppointmentType',
        appointmentType: { ...checkup, durationMinutes: 20 },
      }),
    ).to.equal('appointmentType.durationMinutes');
    expect(
      keptByPracticeSystem(current, {
        kind: 'putPractitioner',
        practitioner: { ...muster, weeklyHours: [], active: false, sortOrder: 5 },
      }),
    ).to.equal(undefined);
    expect(
      keptByPracticeSystem(current, {
        kind: 'putAppointmentType',
        appointmentType: { ...checkup, name: { ...checkup.name, en: 'Check-up' }, bufferAfterMinutes: 10 },
      }),
    ).to.equal(undefined);
    expect(keptByPracticeSystem(current, { kind: 'setHolidaysClosed', closed: false })).to.equal(undefined);
  });
});
