import { expect } from 'chai';
import { type WaitlistHarness, inMemoryWaitlistHarness, waiting } from '../../../test/support/in-memory-waitlist.js';
import { newlyFreeSlotScan } from './offer-newly-free-slots.use-case.js';

const freeAllAlong = { start: '2031-01-10T09:00:00.000Z', practitionerId: 'dr-a' };
const freedByStaff = { start: '2031-01-10T09:30:00.000Z', practitionerId: 'dr-a' };

describe('the scan for slots freed by changes in the practice calendar', () => {
  let h: WaitlistHarness;
  beforeEach(() => {
    h = inMemoryWaitlistHarness();
  });
  const offeredStarts = (entryId: string) => h.waitlist.offersOf(entryId).map((o) => o.start.toISOString());

  it('when a slot becomes free between two scans, then the waiting patients are offered it; one free all along is not', async () => {
    const { entryId } = await waiting(h);
    const scan = newlyFreeSlotScan(h.deps);
    h.freeSlots.push(freeAllAlong);
    expect(await scan()).to.equal(0);
    h.freeSlots.push(freedByStaff);
    expect(await scan()).to.equal(1);
    expect(offeredStarts(entryId)).to.deep.equal([freedByStaff.start]);
    expect(await scan()).to.equal(0);
  });

  it('when nobody is waiting, then availability is not asked', async () => {
    const scan = newlyFreeSlotScan(h.deps);
    h.freeSlots.push(freeAllAlong);
    expect(await scan()).to.equal(0);
    expect(h.freeSlotQueries).to.deep.equal([]);
  });

  it('when entries wait for the same type and practitioner, then availability is asked once for their days, from today', async () => {
    await waiting(h, { firstDay: '2026-05-20', lastDay: '2026-06-30' });
    await waiting(h, { firstDay: '2026-06-10', lastDay: '2026-07-15' });
    await waiting(h, { practitionerId: undefined });
    await newlyFreeSlotScan(h.deps)();
    expect(
      h.freeSlotQueries.map(({ appointmentTypeId, practitionerId, from, to }) => ({
        appointmentTypeId,
        practitionerId,
        from,
        to,
      })),
    ).to.deep.equal([
      { appointmentTypeId: 'checkup', practitionerId: 'dr-a', from: '2026-06-01', to: '2026-07-15' },
      { appointmentTypeId: 'checkup', practitionerId: 'any', from: '2031-01-01', to: '2031-01-31' },
    ]);
  });

  it('when a kind of wait is new since the previous scan, then its first look only notes what is free', async () => {
    await waiting(h, { practitionerId: 'dr-b' });
    const scan = newlyFreeSlotScan(h.deps);
    h.freeSlots.push(freeAllAlong);
    expect(await scan()).to.equal(0);
    const { entryId } = await waiting(h);
    expect(await scan()).to.equal(0);
    expect(offeredStarts(entryId)).to.deep.equal([]);
  });

  it('when a slot is taken and freed again between scans, then it is newly free, but the patient already offered that start is not offered it twice', async () => {
    const { entryId } = await waiting(h);
    const scan = newlyFreeSlotScan(h.deps);
    await scan();
    h.freeSlots.push(freedByStaff);
    expect(await scan()).to.equal(1);
    h.freeSlots.splice(0);
    expect(await scan()).to.equal(0);
    h.freeSlots.push(freedByStaff);
    expect(await scan()).to.equal(0);
    expect(offeredStarts(entryId)).to.deep.equal([freedByStaff.start]);
  });
});
