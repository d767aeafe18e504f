import { AppError } from '@otk/contracts';
import { expect } from 'chai';
import { confirmedWithToken, heldWithToken, inMemoryHarness } from '../../test/support/in-memory-bookings.js';
import { confirmBooking } from './confirm-booking.use-case.js';
import { withdrawHold } from './withdraw-hold.use-case.js';

const codeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => 'accepted',
    (error: unknown) => (error instanceof AppError ? error.code : Promise.reject(error)),
  );

describe('confirming and withdrawing a hold', () => {
  let h: ReturnType<typeof inMemoryHarness>;
  beforeEach(() => {
    h = inMemoryHarness();
  });

  it('when the confirm link is used, then the booking is confirmed with a manage token; a second time, already confirmed and nothing more', async () => {
    const { bookingId, confirmToken } = await heldWithToken(h);
    expect(await confirmBooking(h.deps, confirmToken)).to.deep.equal({
      bookingId,
      status: 'confirmed',
      alreadyConfirmed: false,
    });
    const [confirmed] = h.bookings.events('booking.confirmed', bookingId);
    expect(confirmed?.booking).to.include({ status: 'confirmed', expiresAt: null });
    expect(confirmed).to.not.have.property('manageToken');
    const [notice] = h.bookings.events('notice.bookingConfirmed', bookingId);
    expect(notice?.manageToken).to.have.length.of.at.least(43);
    expect(await confirmBooking(h.deps, confirmToken)).to.include({ alreadyConfirmed: true });
    expect(h.bookings.events('booking.confirmed', bookingId)).to.have.length(1);
  });

  it('when the confirm link is used at the deadline, then HOLD_EXPIRED and the hold expires once', async () => {
    const { bookingId, confirmToken } = await heldWithToken(h);
    h.clock.advance(900_000);
    expect(await codeOf(confirmBooking(h.deps, confirmToken))).to.equal('HOLD_EXPIRED');
    expect(await codeOf(confirmBooking(h.deps, confirmToken))).to.equal('HOLD_EXPIRED');
    expect(h.bookings.statusOf(bookingId)).to.equal('expired');
    expect(h.bookings.events('booking.expired', bookingId)).to.have.length(1);
  });

  it('when a manage token or an unknown token confirms, then TOKEN_INVALID', async () => {
    const { manageToken } = await confirmedWithToken(h);
    expect(await codeOf(confirmBooking(h.deps, manageToken))).to.equal('TOKEN_INVALID');
    expect(await codeOf(confirmBooking(h.deps, 'x'.repeat(43)))).to.equal('TOKEN_INVALID');
  });

  it('when the patient withdraws, then the slot is free at once; withdrawn, the hold can be neither confirmed nor withdrawn again', async () => {
    const { bookingId, confirmToken, start } = await heldWithToken(h);
    expect(await withdrawHold(h.deps, confirmToken)).to.deep.equal({ bookingId, status: 'withdrawn' });
    expect(h.bookings.events('booking.withdrawn', bookingId)).to.have.length(1);
    expect(await codeOf(confirmBooking(h.deps, confirmToken))).to.equal('ILLEGAL_TRANSITION');
    expect(await codeOf(withdrawHold(h.deps, confirmToken))).to.equal('ILLEGAL_TRANSITION');
    expect((await heldWithToken(h, { start })).bookingId).to.be.a('string');
  });

  it('when a confirmed booking is withdrawn, then ILLEGAL_TRANSITION; an overdue hold, HOLD_EXPIRED', async () => {
    const confirmed = await heldWithToken(h);
    await confirmBooking(h.deps, confirmed.confirmToken);
    expect(await codeOf(withdrawHold(h.deps, confirmed.confirmToken))).to.equal('ILLEGAL_TRANSITION');
    const overdue = await heldWithToken(h);
    h.clock.advance(900_000);
    expect(await codeOf(withdrawHold(h.deps, overdue.confirmToken))).to.equal('HOLD_EXPIRED');
  });
});
