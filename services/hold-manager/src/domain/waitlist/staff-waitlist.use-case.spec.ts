import { listWaitlistRequestV1 } from '@otk/contracts';
import { expect } from 'chai';
import {
  type WaitlistHarness,
  inMemoryWaitlistHarness,
  joined,
  waiting,
} from '../../../test/support/in-memory-waitlist.js';
import { acceptOffer, getOffer } from './accept-offer.use-case.js';
import { offerFreedSlot } from './offer-freed-slot.use-case.js';
import { listWaitlistForStaff, removeFromWaitlist } from './staff-waitlist.use-case.js';
import { refusalOf } from '../../../test/support/refusal.js';

const freed = { practitionerId: 'dr-a', start: new Date('2031-01-10T09:00:00Z'), timeZone: 'Europe/Zurich' };

describe("the practice's waiting list (console)", () => {
  let h: WaitlistHarness;
  beforeEach(() => {
    h = inMemoryWaitlistHarness();
  });
  const list = (query: object = {}) => listWaitlistForStaff(h.deps, listWaitlistRequestV1.parse(query));

  it('when staff open the list, then those still on it come in order of joining, with when they joined and confirmed and how many offers they had', async () => {
    const first = await waiting(h);
    const second = await joined(h);
    const booked = await waiting(h);
    await offerFreedSlot(h.deps, freed);
    const [offer] = h.waitlist.tokensOf(booked.entryId).offers;
    const { bookingId } = await acceptOffer(h.deps, { token: offer!.token });
    const { entries } = await list();
    expect(entries.map((e) => [e.entryId, e.status, e.offers, e.confirmedAt !== null])).to.deep.equal([
      [first.entryId, 'waiting', 1, true],
      [second.entryId, 'pending', 0, false],
    ]);
    const [ended] = (await list({ statuses: ['booked'] })).entries;
    expect(ended).to.deep.include({ entryId: booked.entryId, bookingId, endedAt: h.clock.now.toISOString() });
    expect((await list({ limit: 1 })).entries.map((e) => e.entryId)).to.deep.equal([first.entryId]);
  });

  it('when staff remove a patient, then the entry is removed, leaves the list and its open offers are gone', async () => {
    const { entryId } = await waiting(h);
    await offerFreedSlot(h.deps, freed);
    const [offer] = h.waitlist.tokensOf(entryId).offers;
    expect(await removeFromWaitlist(h.deps, { entryId, reason: 'booked by phone' })).to.deep.equal({
      entryId,
      status: 'removed',
    });
    expect(await getOffer(h.deps, offer!.token)).to.include({ state: 'gone', onList: false });
    expect((await list()).entries).to.deep.equal([]);
    expect((await list({ statuses: ['removed'] })).entries.map((e) => e.entryId)).to.deep.equal([entryId]);
  });

  it('when staff remove a pending patient, then the entry is removed too', async () => {
    const { entryId } = await joined(h);
    expect((await removeFromWaitlist(h.deps, { entryId, reason: 'duplicate' })).status).to.equal('removed');
    expect(h.waitlist.statusOf(entryId)).to.equal('removed');
  });

  it('when the entry has already left the list, then ILLEGAL_TRANSITION naming how; an unknown entry, NOT_FOUND', async () => {
    const { entryId } = await waiting(h);
    await removeFromWaitlist(h.deps, { entryId, reason: 'booked by phone' });
    expect(await refusalOf(removeFromWaitlist(h.deps, { entryId, reason: 'again' }))).to.deep.include({
      code: 'ILLEGAL_TRANSITION',
      details: { status: 'removed' },
    });
    const unknown = '00000000-0000-4000-8000-000000000000';
    expect((await refusalOf(removeFromWaitlist(h.deps, { entryId: unknown, reason: 'x' }))).code).to.equal('NOT_FOUND');
  });
});
