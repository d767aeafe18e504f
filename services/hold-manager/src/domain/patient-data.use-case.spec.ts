import { expect } from 'chai';
import { bookingsInTheWay, patientMatchOf } from './patient-data.use-case.js';

describe("a patient's bookings for export and erasure", () => {
  it('when the booking has a birth date, then the patient is matched by name and birth date, as the practice system matches contacts', () => {
    const match = patientMatchOf({ firstName: 'Erika', lastName: 'Muster', birthDate: '1980-05-06' }, 'erika@x.ch');
    expect(match).to.deep.equal({
      by: 'name-and-birth-date',
      firstName: 'Erika',
      lastName: 'Muster',
      birthDate: '1980-05-06',
    });
  });

  it('when the booking has no birth date, then the patient is matched by name and the e-mail or phone', () => {
    const match = patientMatchOf({ firstName: 'Erika', lastName: 'Muster' }, '+41791234567');
    expect(match).to.deep.equal({
      by: 'name-and-contact',
      firstName: 'Erika',
      lastName: 'Muster',
      contactKey: '+41791234567',
    });
  });

  it('when a booking is held or its appointment is still to come, then it stands in the way of erasure; ended ones do not', () => {
    const now = new Date('2026-06-01T12:00:00Z');
    const before = new Date('2026-06-01T11:59:59Z');
    const after = new Date('2026-06-01T12:00:01Z');
    const ways = bookingsInTheWay(
      [
        { id: 'held-past-deadline', status: 'held', end: after },
        { id: 'confirmed-to-come', status: 'confirmed', end: after },
        { id: 'confirmed-over', status: 'confirmed', end: before },
        { id: 'cancelled-to-come', status: 'cancelled', end: after },
        { id: 'expired', status: 'expired', end: after },
        { id: 'withdrawn', status: 'withdrawn', end: after },
      ],
      now,
    );
    expect(ways).to.deep.equal(['held-past-deadline', 'confirmed-to-come']);
  });
});
