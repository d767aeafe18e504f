import { expect } from 'chai';
import { confirmedWithToken, heldWithToken, inMemoryHarness } from '../../test/support/in-memory-bookings.js';
import { ExpiryNotDueError, expireHoldWhenDue, sweepOverdueHolds } from './expire-holds.use-case.js';
import { listActive } from './list-active.use-case.js';

describe('expiring holds', () => {
  let h: ReturnType<typeof inMemoryHarness>;
  beforeEach(() => {
    h = inMemoryHarness();
  });

  it('when the expiry message comes early, then it is retried; at the deadline the hold expires; again, nothing happens', async () => {
    const { bookingId } = await heldWithToken(h);
    h.clock.advance(900_000 - 1);
    const early = await expireHoldWhenDue(h.deps, bookingId).catch((e: unknown) => e);
    expect(early).to.be.instanceOf(ExpiryNotDueError);
    h.clock.advance(1);
    expect(await expireHoldWhenDue(h.deps, bookingId)).to.equal('expired');
    expect(await expireHoldWhenDue(h.deps, bookingId)).to.equal('skipped');
    expect(h.bookings.events('booking.expired', bookingId)).to.have.length(1);
  });

  it('when a confirmed booking or an unknown one gets an expiry message, then nothing changes', async () => {
    const { bookingId } = await confirmedWithToken(h);
    h.clock.advance(900_000);
    expect(await expireHoldWhenDue(h.deps, bookingId)).to.equal('skipped');
    expect(await expireHoldWhenDue(h.deps, '00000000-0000-4000-8000-000000000000')).to.equal('skipped');
    expect(h.bookings.statusOf(bookingId)).to.equal('confirmed');
  });

  it('when the sweep runs, then every overdue hold expires, in batches, and no other', async () => {
    const due = await Promise.all(Array.from({ length: 120 }, () => heldWithToken(h)));
    h.clock.advance(1000);
    const notDue = await heldWithToken(h);
    h.clock.advance(900_000 - 1000);
    expect(await sweepOverdueHolds(h.deps)).to.equal(120);
    expect(due.every(({ bookingId }) => h.bookings.statusOf(bookingId) === 'expired')).to.equal(true);
    expect(h.bookings.statusOf(notDue.bookingId)).to.equal('held');
    expect(await sweepOverdueHolds(h.deps)).to.equal(0);
  });

  it('when availability asks for the active bookings, then held and confirmed come, overdue and ended do not', async () => {
    const held = await heldWithToken(h);
    const confirmed = await confirmedWithToken(h);
    const lapsing = await heldWithToken(h);
    h.clock.advance(900_000);
    const { bookings } = await listActive(h.deps, '2026-06-01T00:00:00Z');
    expect(bookings.map((b) => b.bookingId)).to.have.members([confirmed.bookingId]);
    expect(bookings[0]).to.include({ status: 'confirmed', expiresAt: null });
    expect([held.bookingId, lapsing.bookingId].map((id) => h.bookings.statusOf(id))).to.deep.equal(['held', 'held']);
  });
});
