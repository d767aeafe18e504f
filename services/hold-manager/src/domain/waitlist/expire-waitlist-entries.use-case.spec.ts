import { expect } from 'chai';
import {
  type WaitlistHarness,
  inMemoryWaitlistHarness,
  joined,
  waiting,
} from '../../../test/support/in-memory-waitlist.js';
import { leaveWaitlist } from './confirm-and-leave-waitlist.use-case.js';
import { expireWaitlistEntries } from './expire-waitlist-entries.use-case.js';
import { offerFreedSlot } from './offer-freed-slot.use-case.js';

/** The end of 1 June 2026 in Zurich. */
const endOfFirstJune = new Date('2026-06-01T22:00:00Z');

describe('expiring places on the waiting list', () => {
  let h: WaitlistHarness;
  beforeEach(() => {
    h = inMemoryWaitlistHarness();
  });

  it('when a range is over at the end of its last day in the practice zone, then the entry expires, not a millisecond earlier, and its open offers are gone', async () => {
    const ending = await waiting(h, { firstDay: '2026-06-01', lastDay: '2026-06-01' });
    await offerFreedSlot(h.deps, {
      practitionerId: 'dr-a',
      start: new Date('2026-06-01T15:00:00Z'),
      timeZone: 'Europe/Zurich',
    });
    const lasting = await waiting(h);
    h.clock.now = new Date(endOfFirstJune.getTime() - 1);
    expect(await expireWaitlistEntries(h.deps)).to.equal(0);
    expect(h.waitlist.offersOf(ending.entryId).map((o) => o.status)).to.deep.equal(['open']);
    h.clock.now = endOfFirstJune;
    expect(await expireWaitlistEntries(h.deps)).to.equal(1);
    expect(h.waitlist.statusOf(ending.entryId)).to.equal('expired');
    expect(h.waitlist.offersOf(ending.entryId).map((o) => o.status)).to.deep.equal(['gone']);
    expect(h.waitlist.statusOf(lasting.entryId)).to.equal('waiting');
  });

  it('when a pending entry was not confirmed within the window, then it expires at the window end; a confirmed one does not', async () => {
    const unconfirmed = await joined(h);
    const confirmed = await waiting(h);
    h.clock.advance(900_000 - 2000);
    expect(await expireWaitlistEntries(h.deps)).to.equal(0);
    h.clock.advance(1000);
    expect(await expireWaitlistEntries(h.deps)).to.equal(1);
    expect(h.waitlist.statusOf(unconfirmed.entryId)).to.equal('expired');
    expect(h.waitlist.statusOf(confirmed.entryId)).to.equal('waiting');
  });

  it('when an entry left the list before its range ended, then it keeps how it ended; a second run expires nothing', async () => {
    const left = await waiting(h, { firstDay: '2026-06-01', lastDay: '2026-06-01' });
    await leaveWaitlist(h.deps, left.leaveToken);
    const { entryId } = await waiting(h, { firstDay: '2026-06-01', lastDay: '2026-06-01' });
    h.clock.now = endOfFirstJune;
    expect(await expireWaitlistEntries(h.deps)).to.equal(1);
    expect(await expireWaitlistEntries(h.deps)).to.equal(0);
    expect([h.waitlist.statusOf(left.entryId), h.waitlist.statusOf(entryId)]).to.deep.equal(['left', 'expired']);
  });
});
