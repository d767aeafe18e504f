import { AppError } from '@otk/contracts';
import { expect } from 'chai';
import { BusyIndex } from './busy-index.js';
import type { Catalogue } from './catalogue.js';
import { checkSlot } from './check-slot.use-case.js';

const everyDay = Object.fromEntries([1, 2, 3, 4, 5, 6, 7].map((d) => [d, [{ start: 8 * 60, end: 17 * 60 }]]));
const catalogue: Catalogue = {
  practice: {
    name: 'Praxis',
    timeZone: 'Europe/Zurich',
    defaultLanguage: 'de',
    languages: ['de'],
    holidayCountry: 'CH',
    holidayRegion: null,
    granularityMinutes: 15,
    minimumNoticeMinutes: 60,
    bookingHorizonDays: 60,
    askVisitKind: false,
    askAppointmentGroup: false,
    requiredPatientFields: ['birthDate'],
    smsOffered: false,
    privacyPolicyUrl: null,
    privacyPolicyVersion: null,
    phone: null,
    logoUrl: null,
    brandColour: null,
  },
  practitioners: [{ id: 'dr-a', displayName: 'Dr. A', resourceIds: ['room-1'], weeklyHours: everyDay }],
  groups: [],
  types: [
    {
      id: 'checkup',
      name: { de: 'Kontrolle' },
      durationMinutes: 30,
      bufferBeforeMinutes: 0,
      bufferAfterMinutes: 5,
      visitKinds: ['followup'],
      groupId: null,
      onlineBookable: true,
      practitionerIds: ['dr-a'],
    },
  ],
  resources: [{ id: 'room-1', name: 'Room 1', kind: 'room' }],
  absences: [],
  isHoliday: () => false,
};

describe('checking a slot for a hold', () => {
  const now = Date.parse('2031-03-03T06:00:00Z'); // a Monday, 07:00 in Zurich
  const start = '2031-03-04T09:00:00.000Z'; // 10:00 in Zurich
  const occupants = [
    { kind: 'practitioner' as const, id: 'dr-a' },
    { kind: 'resource' as const, id: 'room-1' },
  ];
  const hour = (iso: string) => ({ from: Date.parse(iso), until: Date.parse(iso) + 3600_000 });
  const check = (busy: BusyIndex, at = start, visitKind?: 'first' | 'followup') =>
    checkSlot(catalogue, busy, { appointmentTypeId: 'checkup', practitionerId: 'dr-a', start: at, visitKind }, now);
  const refusal = (run: () => unknown) => {
    try {
      run();
    } catch (error) {
      if (error instanceof AppError) return { code: error.code, reason: error.details?.reason };
      throw error;
    }
    return 'offered';
  };

  it('when the slot is offered, then the reply names what it occupies, buffers and room included', () => {
    expect(check(new BusyIndex())).to.deep.include({
      start: '2031-03-04T10:00:00+01:00',
      end: '2031-03-04T10:30:00+01:00',
      occupiedUntil: '2031-03-04T10:35:00+01:00',
      occupants,
      timeZone: 'Europe/Zurich',
    });
  });

  it("when OTK's own bookings cover the slot, held or confirmed, then it is still offered: taken is hold-manager's to judge", () => {
    const busy = new BusyIndex();
    busy.put('booking:1', { key: 'booking:1', status: 'confirmed', interval: hour(start), occupants, expiresAt: null });
    busy.put('booking:2', { key: 'booking:2', status: 'held', interval: hour(start), occupants, expiresAt: now + 1e9 });
    expect(refusal(() => check(busy))).to.equal('offered');
  });

  it('when a staff-made entry of the practice calendar covers the slot, then SLOT_NOT_OFFERED with reason busy', () => {
    const busy = new BusyIndex();
    busy.put('practice-system:9', {
      key: 'practice-system:9',
      status: 'busy',
      interval: hour(start),
      occupants: [{ kind: 'resource', id: 'room-1' }],
      expiresAt: null,
    });
    expect(refusal(() => check(busy))).to.deep.equal({ code: 'SLOT_NOT_OFFERED', reason: 'busy' });
  });

  it('when the time is off the grid, outside the hours, too soon, or of a visit kind the type lacks, then SLOT_NOT_OFFERED with reason not-offered', () => {
    const notOffered = { code: 'SLOT_NOT_OFFERED', reason: 'not-offered' };
    expect(refusal(() => check(new BusyIndex(), '2031-03-04T09:05:00.000Z'))).to.deep.equal(notOffered);
    expect(refusal(() => check(new BusyIndex(), '2031-03-04T02:00:00.000Z'))).to.deep.equal(notOffered);
    expect(refusal(() => check(new BusyIndex(), '2031-03-03T06:30:00.000Z'))).to.deep.equal(notOffered);
    expect(refusal(() => check(new BusyIndex(), start, 'first'))).to.deep.equal(notOffered);
  });
});
