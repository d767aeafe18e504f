import { AppError } from '@otk/contracts';
import { expect } from 'chai';
import { RecentlyTakenSlots } from './recently-taken-slots.js';

const slot = { appointmentTypeId: 'checkup', practitionerId: 'dr-muster', start: '2030-01-07T08:00:00+01:00' };
const refusal = new AppError('SLOT_TAKEN', 'this time is no longer free', { alternatives: [] });

describe('slots refused as taken a moment ago', () => {
  it('when a slot was refused, then the same slot gets that refusal until the memory lapses, then none', () => {
    let now = 0;
    const taken = new RecentlyTakenSlots(1000, () => now);
    expect(taken.refusalFor(slot)).to.equal(undefined);
    taken.remember(slot, refusal);
    now = 999;
    expect(taken.refusalFor(slot)).to.equal(refusal);
    // The same instant with another offset is the same slot.
    expect(taken.refusalFor({ ...slot, start: '2030-01-07T07:00:00Z' })).to.equal(refusal);
    now = 1000;
    expect(taken.refusalFor(slot)).to.equal(undefined);
  });

  it('when another type, practitioner, start or visit kind is asked, then nothing is remembered for it', () => {
    const taken = new RecentlyTakenSlots(1000, () => 0);
    taken.remember(slot, refusal);
    expect(taken.refusalFor({ ...slot, appointmentTypeId: 'cleaning' })).to.equal(undefined);
    expect(taken.refusalFor({ ...slot, practitionerId: 'dr-keller' })).to.equal(undefined);
    expect(taken.refusalFor({ ...slot, start: '2030-01-07T08:15:00+01:00' })).to.equal(undefined);
    expect(taken.refusalFor({ ...slot, visitKind: 'first' })).to.equal(undefined);
  });

  it('when the memory is 0 ms, then nothing is remembered', () => {
    const taken = new RecentlyTakenSlots(0, () => 0);
    taken.remember(slot, refusal);
    expect(taken.refusalFor(slot)).to.equal(undefined);
  });

  it('when more slots are refused than it keeps, then lapsed ones go first and it never grows past its bound', () => {
    let now = 0;
    const taken = new RecentlyTakenSlots(1000, () => now, 2);
    const at = (minute: number) => ({ ...slot, start: `2030-01-07T08:${String(minute).padStart(2, '0')}:00+01:00` });
    taken.remember(at(0), refusal);
    now = 600;
    taken.remember(at(1), refusal);
    now = 1200; // at(0) has lapsed, at(1) not
    taken.remember(at(2), refusal);
    expect(taken.refusalFor(at(1))).to.equal(refusal);
    expect(taken.refusalFor(at(2))).to.equal(refusal);
    taken.remember(at(3), refusal); // full of live ones: cleared
    expect(taken.refusalFor(at(1))).to.equal(undefined);
    expect(taken.refusalFor(at(3))).to.equal(refusal);
  });
});
