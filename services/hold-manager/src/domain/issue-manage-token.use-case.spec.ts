import { AppError } from '@otk/contracts';
import { expect } from 'chai';
import { confirmedWithToken, heldWithToken, inMemoryHarness } from '../../test/support/in-memory-bookings.js';
import { issueManageToken } from './issue-manage-token.use-case.js';
import { cancelBooking, getBooking } from './manage-booking.use-case.js';
import { hashToken } from './token.js';

const codeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => 'accepted',
    (error: unknown) => (error instanceof AppError ? error.code : Promise.reject(error)),
  );

describe('a fresh manage link for a reminder', () => {
  let h: ReturnType<typeof inMemoryHarness>;
  beforeEach(() => {
    h = inMemoryHarness();
  });

  it('when the booking is confirmed and still to come, then a new manage link is issued that works until the start', async () => {
    const { bookingId, start } = await confirmedWithToken(h);
    const reply = await issueManageToken(h.deps, bookingId);
    expect(reply).to.include({ status: 'confirmed', start });
    expect(reply.manageToken).to.have.length.of.at.least(43);
    expect(await h.bookings.findToken(hashToken(reply.manageToken!))).to.deep.equal({
      bookingId,
      purpose: 'manage',
      expiresAt: new Date(start),
    });
    expect((await getBooking(h.deps, reply.manageToken!)).bookingId).to.equal(bookingId);
    expect((await issueManageToken(h.deps, bookingId)).manageToken).to.not.equal(reply.manageToken);
  });

  it('when the booking was cancelled, or is only held, then no link and the answer says where it stands', async () => {
    const cancelled = await confirmedWithToken(h);
    await cancelBooking(h.deps, cancelled.manageToken);
    expect(await issueManageToken(h.deps, cancelled.bookingId)).to.deep.equal({
      status: 'cancelled',
      start: cancelled.start,
      manageToken: null,
    });
    const held = await heldWithToken(h);
    expect(await issueManageToken(h.deps, held.bookingId)).to.include({ status: 'held', manageToken: null });
  });

  it('when the appointment has begun, then no link; a millisecond before, one', async () => {
    const { bookingId, start } = await confirmedWithToken(h);
    h.clock.now = new Date(Date.parse(start) - 1);
    expect((await issueManageToken(h.deps, bookingId)).manageToken).to.be.a('string');
    h.clock.advance(1);
    expect(await issueManageToken(h.deps, bookingId)).to.deep.equal({ status: 'confirmed', start, manageToken: null });
  });

  it('when the booking is unknown, then NOT_FOUND', async () => {
    expect(await codeOf(issueManageToken(h.deps, '00000000-0000-4000-8000-000000000000'))).to.equal('NOT_FOUND');
  });
});
