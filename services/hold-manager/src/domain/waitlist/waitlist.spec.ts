import { AppError } from '@otk/contracts';
import { expect } from 'chai';
import {
  type WaitlistEntry,
  assertBelowWaitlistLimits,
  candidateOf,
  chooseOffers,
  newlyFree,
  waitKindsOf,
  waitingRange,
  waitsFor,
  wantedOf,
} from './waitlist.js';

const zone = 'Europe/Zurich';
const now = new Date('2026-03-28T10:00:00Z');

function anEntry(overrides: Partial<WaitlistEntry> = {}): WaitlistEntry {
  return {
    id: 'e1',
    status: 'waiting',
    appointmentTypeId: 'checkup',
    appointmentTypeName: { de: 'Kontrolle' },
    practitionerId: 'dr-a',
    practitionerName: 'Dr. A',
    visitKind: undefined,
    firstDay: '2026-04-01',
    lastDay: '2026-04-10',
    timeZone: zone,
    endsAt: new Date('2026-04-10T22:00:00Z'),
    confirmBy: new Date('2026-03-28T10:15:00Z'),
    language: 'de',
    channel: 'email',
    patient: { firstName: 'Wanda', lastName: 'Warteliste', email: 'w@example.ch' },
    privacyPolicyVersion: '2026-01',
    joinedAt: new Date('2026-03-20T09:00:00Z'),
    ...overrides,
  };
}

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof AppError) return error.code;
    throw error;
  }
  return undefined;
}

describe('waiting list rules', () => {
  describe('the range of days', () => {
    it('when the range lies ahead, then it ends at midnight after its last day in the practice zone, across a DST change', () => {
      // 29 March 2026: clocks go forward in Zurich; midnight after 30 March is 22:00 UTC.
      expect(waitingRange({ firstDay: '2026-03-29', lastDay: '2026-03-30' }, now, zone)).to.deep.equal({
        firstDay: '2026-03-29',
        lastDay: '2026-03-30',
        endsAt: new Date('2026-03-30T22:00:00Z'),
      });
      expect(waitingRange({ firstDay: '2026-03-28', lastDay: '2026-03-28' }, now, zone).endsAt).to.deep.equal(
        new Date('2026-03-28T23:00:00Z'),
      );
    });

    it('when the range began in the past, then it waits from today', () => {
      expect(waitingRange({ firstDay: '2026-03-01', lastDay: '2026-04-01' }, now, zone).firstDay).to.equal(
        '2026-03-28',
      );
    });

    it('when the range is over, reversed or longer than 62 days, then DATE_RANGE_INVALID', () => {
      expect(codeOf(() => waitingRange({ firstDay: '2026-03-01', lastDay: '2026-03-27' }, now, zone))).to.equal(
        'DATE_RANGE_INVALID',
      );
      expect(codeOf(() => waitingRange({ firstDay: '2026-04-02', lastDay: '2026-04-01' }, now, zone))).to.equal(
        'DATE_RANGE_INVALID',
      );
      expect(codeOf(() => waitingRange({ firstDay: '2026-04-01', lastDay: '2026-06-01' }, now, zone))).to.equal(
        undefined,
      );
      expect(codeOf(() => waitingRange({ firstDay: '2026-04-01', lastDay: '2026-06-02' }, now, zone))).to.equal(
        'DATE_RANGE_INVALID',
      );
    });
  });

  describe('what the patient waits for', () => {
    const catalogue = {
      groups: [],
      appointmentTypes: [
        {
          id: 'checkup',
          name: { de: 'Kontrolle' },
          durationMinutes: 30,
          visitKinds: ['first' as const],
          groupId: null,
          practitionerIds: ['dr-a'],
        },
      ],
      practitioners: [
        { id: 'dr-a', displayName: 'Dr. A', appointmentTypeIds: ['checkup'] },
        { id: 'dr-b', displayName: 'Dr. B', appointmentTypeIds: [] },
      ],
    };

    it('when type and practitioner are in the catalogue, then their names come back; without a practitioner, none', () => {
      expect(wantedOf(catalogue, { appointmentTypeId: 'checkup', practitionerId: 'dr-a' })).to.deep.equal({
        appointmentTypeName: { de: 'Kontrolle' },
        practitionerName: 'Dr. A',
      });
      expect(
        wantedOf(catalogue, { appointmentTypeId: 'checkup', practitionerId: undefined }).practitionerName,
      ).to.equal(undefined);
    });

    it('when the type, the practitioner or their pairing is unknown, then the code says which', () => {
      expect(codeOf(() => wantedOf(catalogue, { appointmentTypeId: 'x', practitionerId: undefined }))).to.equal(
        'APPOINTMENT_TYPE_UNKNOWN',
      );
      expect(codeOf(() => wantedOf(catalogue, { appointmentTypeId: 'checkup', practitionerId: 'x' }))).to.equal(
        'PRACTITIONER_UNKNOWN',
      );
      expect(codeOf(() => wantedOf(catalogue, { appointmentTypeId: 'checkup', practitionerId: 'dr-b' }))).to.equal(
        'PRACTITIONER_NOT_OFFERING_TYPE',
      );
    });
  });

  describe('matching a freed time', () => {
    const freed = { practitionerId: 'dr-a', start: new Date('2026-04-10T21:30:00Z'), timeZone: zone };

    it('when the freed day (in the practice zone) lies in the range and the practitioner matches or is any, then the entry waits for it', () => {
      // 21:30 UTC on 10 April is 23:30 in Zurich: still the range's last day.
      expect(waitsFor(anEntry(), freed, now)).to.equal(true);
      expect(waitsFor(anEntry({ practitionerId: undefined }), freed, now)).to.equal(true);
      expect(candidateOf(anEntry({ practitionerId: undefined }), freed)).to.deep.equal({
        appointmentTypeId: 'checkup',
        practitionerId: 'dr-a',
        start: '2026-04-10T21:30:00.000Z',
      });
    });

    it('when the practitioner differs, the day is outside the range, or the entry is not waiting, then it does not', () => {
      expect(waitsFor(anEntry({ practitionerId: 'dr-b' }), freed, now)).to.equal(false);
      expect(waitsFor(anEntry({ lastDay: '2026-04-09' }), freed, now)).to.equal(false);
      expect(waitsFor(anEntry({ status: 'pending' }), freed, now)).to.equal(false);
      expect(waitsFor(anEntry({ endsAt: now }), freed, now)).to.equal(false);
    });

    it('when more entries want a slot than are offered it at once, then the earliest to join are chosen, skipping those it does not fit', () => {
      const early = anEntry({ id: 'early', joinedAt: new Date('2026-03-01T00:00:00Z') });
      const unfit = anEntry({ id: 'unfit', joinedAt: new Date('2026-03-02T00:00:00Z') });
      const middle = anEntry({ id: 'middle', joinedAt: new Date('2026-03-03T00:00:00Z') });
      const late = anEntry({ id: 'late', joinedAt: new Date('2026-03-04T00:00:00Z') });
      const slots = new Map([
        [late, 'slot'],
        [middle, 'slot'],
        [unfit, undefined],
        [early, 'slot'],
      ]);
      expect(chooseOffers([late, middle, unfit, early], slots, 2).map((c) => c.entry.id)).to.deep.equal([
        'early',
        'middle',
      ]);
    });
  });

  it('when a contact or an address has as many places as allowed, then TOO_MANY_WAITLIST_ENTRIES names the scope', () => {
    const limits = { maxEntriesPerContact: 3, maxEntriesPerClient: 20 };
    expect(codeOf(() => assertBelowWaitlistLimits({ contact: 2, client: 19 }, limits))).to.equal(undefined);
    expect(() => assertBelowWaitlistLimits({ contact: 3, client: 0 }, limits))
      .to.throw(AppError)
      .with.property('details')
      .that.deep.equals({ limit: 3, scope: 'contact' });
    expect(() => assertBelowWaitlistLimits({ contact: 0, client: 20 }, limits))
      .to.throw(AppError)
      .with.property('details')
      .that.deep.equals({ limit: 20, scope: 'client' });
  });

  describe('the scan for slots freed by staff changes', () => {
    it('when entries wait for the same type and practitioner, then one kind covers their days from today, at most 62 days', () => {
      const kinds = waitKindsOf(
        [
          anEntry({ firstDay: '2026-03-01', lastDay: '2026-04-10' }),
          anEntry({ firstDay: '2026-04-05', lastDay: '2026-07-31' }),
          anEntry({ practitionerId: undefined, firstDay: '2026-04-01', lastDay: '2026-04-02' }),
        ],
        now,
      );
      expect(kinds).to.deep.equal([
        {
          key: 'checkup|dr-a',
          appointmentTypeId: 'checkup',
          practitionerId: 'dr-a',
          from: '2026-03-28',
          to: '2026-05-28',
        },
        {
          key: 'checkup|any',
          appointmentTypeId: 'checkup',
          practitionerId: 'any',
          from: '2026-04-01',
          to: '2026-04-02',
        },
      ]);
    });

    it('when a slot was free at the previous look too, then it is not newly free, whatever the offset it is written with', () => {
      const before = new Set(['dr-a|' + Date.parse('2026-04-01T08:00:00Z')]);
      const slots = [
        { start: '2026-04-01T10:00:00+02:00', practitionerId: 'dr-a' },
        { start: '2026-04-01T10:30:00+02:00', practitionerId: 'dr-a' },
        { start: '2026-04-01T10:00:00+02:00', practitionerId: 'dr-b' },
      ];
      expect(newlyFree(slots, before)).to.deep.equal(slots.slice(1));
    });
  });
});
