import { AppError } from '@otk/contracts';
import { expect } from 'chai';
import {
  confirmedWithToken,
  heldWithToken,
  inMemoryHarness,
  latestManageToken,
} from '../../test/support/in-memory-bookings.js';
import { aFreeHour } from '../../test/support/practice.js';
import { cancelBooking, changeBooking, getBooking } from './manage-booking.use-case.js';

const codeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => 'accepted',
    (error: unknown) => (error instanceof AppError ? error.code : Promise.reject(error)),
  );

describe('managing a confirmed booking', () => {
  let h: ReturnType<typeof inMemoryHarness>;
  beforeEach(() => {
    h = inMemoryHarness();
  });

  it('when the manage link is opened, then it shows the booking without its occupancy, and whether it may change', async () => {
    const { bookingId, manageToken } = await confirmedWithToken(h);
    const view = await getBooking(h.deps, manageToken);
    expect(view).to.include({ bookingId, status: 'confirmed', changeable: true, practitionerName: 'Dr. A' });
    expect(view).to.not.have.property('occupants');
  });

  it('when a booking moves to another offered slot, then the new one is taken and the old one freed together; both links work', async () => {
    const old = aFreeHour();
    const { bookingId, manageToken } = await confirmedWithToken(h, { start: old.toISOString() });
    const moved = new Date(old.getTime() + 15 * 60_000).toISOString(); // overlapping its own old slot is fine
    const view = await changeBooking(h.deps, { token: manageToken, start: moved, practitionerId: 'dr-b' });
    expect(view).to.include({ bookingId, start: moved, practitionerId: 'dr-b' });
    const [changed] = h.bookings.events('booking.changed', bookingId);
    expect(changed?.previous).to.include({ practitionerId: 'dr-a', start: old.toISOString() });
    expect((await heldWithToken(h, { start: old.toISOString() })).bookingId).to.be.a('string');
    expect(await codeOf(heldWithToken(h, { start: moved, practitionerId: 'dr-c' }))).to.equal('SLOT_TAKEN');
    expect((await getBooking(h.deps, manageToken)).start).to.equal(moved);
    expect((await getBooking(h.deps, latestManageToken(h, bookingId))).start).to.equal(moved);
  });

  it('when a booking is changed to the slot it has, then nothing changes and no message goes out', async () => {
    const { bookingId, manageToken, start } = await confirmedWithToken(h);
    expect(await changeBooking(h.deps, { token: manageToken, start })).to.include({ bookingId, start });
    expect(h.bookings.events('booking.changed')).to.deep.equal([]);
    expect(h.bookings.counts.transactions).to.equal(2); // the hold and its confirmation
  });

  it('when the new slot is taken, then SLOT_TAKEN and the booking keeps its slot', async () => {
    const { manageToken, start } = await confirmedWithToken(h);
    const taken = await heldWithToken(h);
    expect(await codeOf(changeBooking(h.deps, { token: manageToken, start: taken.start }))).to.equal('SLOT_TAKEN');
    expect((await getBooking(h.deps, manageToken)).start).to.equal(start);
  });

  it('when a booking is cancelled, then its slot is free; again, or changed afterwards, ILLEGAL_TRANSITION', async () => {
    const { bookingId, manageToken, start } = await confirmedWithToken(h);
    expect(await cancelBooking(h.deps, manageToken)).to.deep.equal({ bookingId, status: 'cancelled' });
    expect(h.bookings.events('booking.cancelled', bookingId)).to.have.length(1);
    expect((await heldWithToken(h, { start })).bookingId).to.be.a('string');
    expect(await codeOf(cancelBooking(h.deps, manageToken))).to.equal('ILLEGAL_TRANSITION');
    expect(await codeOf(changeBooking(h.deps, { token: manageToken, start: aFreeHour().toISOString() }))).to.equal(
      'ILLEGAL_TRANSITION',
    );
    expect(await getBooking(h.deps, manageToken)).to.include({ status: 'cancelled', changeable: false });
  });

  it('when the cancellation deadline is reached, then change and cancel get CANCELLATION_DEADLINE_PASSED', async () => {
    const start = new Date(h.clock.now.getTime() + 2 * 86400_000);
    const { manageToken } = await confirmedWithToken(h, { start: start.toISOString() });
    h.clock.advance(86400_000);
    expect(await codeOf(cancelBooking(h.deps, manageToken))).to.equal('CANCELLATION_DEADLINE_PASSED');
    expect(await codeOf(changeBooking(h.deps, { token: manageToken, start: aFreeHour().toISOString() }))).to.equal(
      'CANCELLATION_DEADLINE_PASSED',
    );
    expect(await getBooking(h.deps, manageToken)).to.include({ changeable: false });
  });

  it('when the appointment has started, or a confirm token is used, then the manage link is TOKEN_INVALID', async () => {
    const start = new Date(h.clock.now.getTime() + 3 * 3600_000);
    const { manageToken } = await confirmedWithToken(h, { start: start.toISOString() });
    const { confirmToken } = await heldWithToken(h);
    expect(await codeOf(getBooking(h.deps, confirmToken))).to.equal('TOKEN_INVALID');
    h.clock.advance(3 * 3600_000);
    expect(await codeOf(getBooking(h.deps, manageToken))).to.equal('TOKEN_INVALID');
  });
});
