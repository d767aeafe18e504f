import { AppError, listBookingsRequestV1 } from '@otk/contracts';
import { expect } from 'chai';
import { confirmedWithToken, heldWithToken, inMemoryHarness } from '../../test/support/in-memory-bookings.js';
import { confirmBooking } from './confirm-booking.use-case.js';
import { cancelBooking } from './manage-booking.use-case.js';
import {
  type StaffBookingDeps,
  cancelByPractice,
  findBookingForStaff,
  listBookingsForStaff,
} from './staff-bookings.use-case.js';

const codeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => 'accepted',
    (error: unknown) => (error instanceof AppError ? error.code : Promise.reject(error)),
  );

const unknownId = '00000000-0000-4000-8000-000000000000';

describe("the practice's bookings (console)", () => {
  let h: ReturnType<typeof inMemoryHarness>;
  let deps: StaffBookingDeps;
  let reads: number;
  beforeEach(() => {
    h = inMemoryHarness();
    reads = 0;
    const staffBookings = h.bookings.staffReads();
    deps = {
      bookings: h.bookings,
      now: h.deps.now,
      staffBookings: {
        list: (query) => (reads++, staffBookings.list(query)),
        find: (id) => (reads++, staffBookings.find(id)),
      },
    };
  });
  const list = (query: object) => listBookingsForStaff(deps, listBookingsRequestV1.parse(query));

  it('when staff list a range, then the bookings starting in it come by start, a page at a time', async () => {
    const later = await heldWithToken(h, { start: '2031-01-10T10:00:00.000Z' });
    const earlier = await confirmedWithToken(h, { start: '2031-01-10T09:00:00.000Z' });
    await heldWithToken(h, { start: '2031-01-11T09:00:00.000Z' });
    const range = { from: '2031-01-10T00:00:00Z', to: '2031-01-11T00:00:00Z' };
    const all = await list(range);
    expect(all.bookings.map((b) => [b.bookingId, b.status])).to.deep.equal([
      [earlier.bookingId, 'confirmed'],
      [later.bookingId, 'held'],
    ]);
    expect(all.bookings[0]).to.not.have.property('occupants');
    const first = await list({ ...range, limit: 1 });
    expect(first.bookings.map((b) => b.bookingId)).to.deep.equal([earlier.bookingId]);
    const next = await list({ ...range, limit: 1, cursor: first.nextCursor });
    expect(next).to.deep.include({ nextCursor: null });
    expect(next.bookings.map((b) => b.bookingId)).to.deep.equal([later.bookingId]);
  });

  it('when the range ends before it starts, or where it starts, then DATE_RANGE_INVALID and the bookings are not read', async () => {
    const attempt = (query: object) => codeOf(Promise.resolve().then(() => list(query)));
    expect(await attempt({ from: '2031-01-10T00:00:00Z', to: '2031-01-10T00:00:00Z' })).to.equal('DATE_RANGE_INVALID');
    expect(await attempt({ from: '2031-01-10T00:00:00Z', to: '2031-01-09T00:00:00Z' })).to.equal('DATE_RANGE_INVALID');
    expect(reads).to.equal(0);
  });

  it('when staff open one booking, then it comes with the times of its steps; an unknown one is NOT_FOUND', async () => {
    const heldAt = h.clock.now.toISOString();
    const { bookingId, confirmToken } = await heldWithToken(h);
    expect((await findBookingForStaff(deps, bookingId)).booking).to.include({
      bookingId,
      status: 'held',
      createdAt: heldAt,
      confirmedAt: null,
      endedAt: null,
    });
    h.clock.advance(60_000);
    await confirmBooking(h.deps, confirmToken);
    expect((await findBookingForStaff(deps, bookingId)).history).to.deep.equal([
      { at: heldAt, what: 'held' },
      { at: h.clock.now.toISOString(), what: 'confirmed' },
    ]);
    expect(await codeOf(findBookingForStaff(deps, unknownId))).to.equal('NOT_FOUND');
  });

  it('when the practice cancels a confirmed booking past the patient deadline, then it is cancelled by the practice with its reason, and the slot is free at once', async () => {
    const start = '2026-06-01T10:00:00.000Z'; // in two hours: the patient may no longer cancel
    const { bookingId, manageToken } = await confirmedWithToken(h, { start });
    expect(await codeOf(cancelBooking(h.deps, manageToken))).to.equal('CANCELLATION_DEADLINE_PASSED');
    expect(await cancelByPractice(deps, { bookingId, reason: 'the doctor is ill' })).to.deep.equal({
      bookingId,
      status: 'cancelled',
    });
    expect(h.bookings.statusOf(bookingId)).to.equal('cancelled');
    const [cancelled] = h.bookings.events('booking.cancelled', bookingId);
    expect(cancelled).to.deep.include({ cancelledBy: 'practice', reason: 'the doctor is ill' });
    expect(cancelled?.booking).to.include({ status: 'cancelled', start });
    expect((await heldWithToken(h, { start })).bookingId).to.be.a('string');
  });

  it('when the booking is only held, or already cancelled, then ILLEGAL_TRANSITION and nothing changes; an unknown one is NOT_FOUND', async () => {
    const held = await heldWithToken(h);
    const refusal = await cancelByPractice(deps, { bookingId: held.bookingId, reason: 'x' }).catch((e: unknown) => e);
    expect(refusal)
      .to.be.instanceOf(AppError)
      .and.to.deep.include({
        code: 'ILLEGAL_TRANSITION',
        details: { status: 'held' },
      });
    expect(h.bookings.statusOf(held.bookingId)).to.equal('held');
    const { bookingId } = await confirmedWithToken(h);
    await cancelByPractice(deps, { bookingId, reason: 'the doctor is ill' });
    expect(await codeOf(cancelByPractice(deps, { bookingId, reason: 'again' }))).to.equal('ILLEGAL_TRANSITION');
    expect(h.bookings.events('booking.cancelled', bookingId)).to.have.length(1);
    expect(await codeOf(cancelByPractice(deps, { bookingId: unknownId, reason: 'x' }))).to.equal('NOT_FOUND');
  });
});
