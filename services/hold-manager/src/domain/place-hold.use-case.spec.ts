import { AppError, placeHoldRequestV1 } from '@otk/contracts';
import { expect } from 'chai';
import { inMemoryHarness } from '../../test/support/in-memory-bookings.js';
import { aFreeHour, aPlaceHoldRequest } from '../../test/support/practice.js';
import { placeHold } from './place-hold.use-case.js';
import { shareAlternativesPerSlot } from './taken-slot-alternatives.js';
import { refusalOf } from '../../test/support/refusal.js';

describe('placing a hold', () => {
  let h: ReturnType<typeof inMemoryHarness>;
  beforeEach(() => {
    h = inMemoryHarness();
  });
  const hold = (overrides: Parameters<typeof aPlaceHoldRequest>[0] = {}) =>
    placeHold(h.deps, placeHoldRequestV1.parse(aPlaceHoldRequest(overrides)));

  it('when an offered slot is free, then it is held, booking.held carries the confirm token, and the expiry is scheduled at the window', async () => {
    const reply = await hold();
    expect(reply).to.include({ status: 'held', expiresAt: '2026-06-01T08:15:00.000Z' });
    const [held] = h.bookings.events('booking.held', reply.bookingId);
    expect(held?.booking).to.include({ status: 'held', practitionerId: 'dr-a', timeZone: 'Europe/Zurich' });
    expect(held).to.not.have.property('confirmToken');
    const [notice] = h.bookings.events('notice.bookingHeld', reply.bookingId);
    expect(notice?.booking).to.deep.equal(held?.booking);
    expect(notice?.confirmToken).to.have.length.of.at.least(43);
    expect(h.scheduled).to.deep.equal([{ bookingId: reply.bookingId, delayMs: 900_000 }]);
  });

  it('when the practitioner is visibly booked at that start, then SLOT_TAKEN with the next free slots, after one read, without availability or a transaction', async () => {
    const start = aFreeHour().toISOString();
    await hold({ start });
    const before = { ...h.bookings.counts, ...h.calls };
    const refusal = await refusalOf(hold({ start }));
    expect(refusal.code).to.equal('SLOT_TAKEN');
    expect((refusal.details as { alternatives: unknown[] }).alternatives).to.have.length(3);
    expect(h.bookings.counts.takenReads - before.takenReads).to.equal(1);
    expect(h.bookings.counts.transactions - before.transactions).to.equal(0);
    expect(h.calls.checkSlot - before.checkSlot).to.equal(0);
  });

  it('when another practitioner visibly holds the shared room, then SLOT_TAKEN after the slot check, without a transaction', async () => {
    const start = aFreeHour().toISOString();
    await hold({ start, practitionerId: 'dr-b' });
    const before = { ...h.bookings.counts };
    expect((await refusalOf(hold({ start, practitionerId: 'dr-c' }))).code).to.equal('SLOT_TAKEN');
    expect(h.bookings.counts.transactions - before.transactions).to.equal(0);
  });

  it('when 50 patients are refused for one slot at once, then availability lists the alternatives once for all of them', async () => {
    const deps = { ...h.deps, findAlternatives: shareAlternativesPerSlot(h.deps.findAlternatives, { ttlMs: 2000 }) };
    const start = aFreeHour().toISOString();
    await hold({ start });
    const refusals = await Promise.all(
      Array.from({ length: 50 }, () =>
        refusalOf(placeHold(deps, placeHoldRequestV1.parse(aPlaceHoldRequest({ start })))),
      ),
    );
    expect(refusals.map((r) => r.code)).to.deep.equal(Array(50).fill('SLOT_TAKEN'));
    expect(refusals.every((r) => (r.details as { alternatives: unknown[] }).alternatives.length === 3)).to.equal(true);
    expect(h.calls.findAlternatives).to.equal(1);
  });

  it('when patients race for one slot past the first look, then the transaction lets exactly one hold it', async () => {
    const start = aFreeHour().toISOString();
    const outcomes = await Promise.all(
      Array.from({ length: 10 }, () =>
        hold({ start }).then(
          () => 'held',
          (e: AppError) => e.code,
        ),
      ),
    );
    expect(outcomes.filter((o) => o === 'held')).to.have.length(1);
    expect(outcomes.filter((o) => o === 'SLOT_TAKEN')).to.have.length(9);
    expect(h.bookings.events('booking.held')).to.have.length(1);
  });

  it('when the practice calendar has the slot, then SLOT_TAKEN; when the slot is not offered, then SLOT_NOT_OFFERED; nothing is recorded', async () => {
    const start = aFreeHour().toISOString();
    const deps = {
      ...h.deps,
      checkSlot: async () => {
        throw new AppError('SLOT_NOT_OFFERED', 'busy', { reason: 'busy' });
      },
    };
    expect((await refusalOf(placeHold(deps, placeHoldRequestV1.parse(aPlaceHoldRequest({ start }))))).code).to.equal(
      'SLOT_TAKEN',
    );
    const offGrid = new Date(Date.parse(start) + 60_000).toISOString();
    expect((await refusalOf(hold({ start: offGrid }))).code).to.equal('SLOT_NOT_OFFERED');
    expect(h.bookings.counts.transactions).to.equal(0);
    expect(h.bookings.events('booking.held')).to.deep.equal([]);
  });

  it('when the slot lies in the past, then VALIDATION_FAILED and availability is not asked', async () => {
    const refusal = await refusalOf(hold({ start: '2026-06-01T07:00:00.000Z' }));
    expect(refusal.code).to.equal('VALIDATION_FAILED');
    expect(h.calls.checkSlot).to.equal(0);
  });

  it('when a request is retried with its Idempotency-Key, then the same hold comes back unasked; another body gets IDEMPOTENCY_KEY_REUSED', async () => {
    const request = placeHoldRequestV1.parse(aPlaceHoldRequest({ idempotencyKey: 'key-1' }));
    const first = await placeHold(h.deps, request);
    const again = await placeHold(h.deps, { ...request, clientAddress: '10.0.0.9' });
    expect(again).to.deep.equal(first);
    expect(h.calls.checkSlot).to.equal(1);
    const other = placeHoldRequestV1.parse(aPlaceHoldRequest({ idempotencyKey: 'key-1' }));
    expect((await refusalOf(placeHold(h.deps, other))).code).to.equal('IDEMPOTENCY_KEY_REUSED');
  });

  it('when twin requests with one Idempotency-Key arrive at once, then both answer with the one hold', async () => {
    const request = placeHoldRequestV1.parse(aPlaceHoldRequest({ idempotencyKey: 'twin' }));
    const [a, b] = await Promise.all([placeHold(h.deps, request), placeHold(h.deps, request)]);
    expect(a).to.deep.equal(b);
    expect(h.bookings.events('booking.held')).to.have.length(1);
  });

  it('when a contact or a client has its limit of open holds, then TOO_MANY_OPEN_HOLDS names the scope; lapsed holds do not count', async () => {
    h.bookings.set({ maxOpenHoldsPerContact: 2, maxOpenHoldsPerClient: 3 });
    const patient = aPlaceHoldRequest().patient;
    await hold({ patient });
    await hold({ patient: { ...patient, email: patient.email!.toUpperCase() } });
    expect((await refusalOf(hold({ patient }))).details).to.deep.equal({ limit: 2, scope: 'contact' });
    for (let i = 0; i < 3; i++) await hold({ clientAddress: '192.0.2.1' });
    expect((await refusalOf(hold({ clientAddress: '192.0.2.1' }))).details).to.deep.equal({
      limit: 3,
      scope: 'client',
    });
    h.clock.advance(900_000);
    expect((await hold({ clientAddress: '192.0.2.1' })).status).to.equal('held');
  });

  it('when the hold in the way is past its deadline, then it expires on the spot and the newcomer holds the slot', async () => {
    const start = aFreeHour().toISOString();
    const first = await hold({ start });
    h.clock.advance(900_000 - 1);
    expect((await refusalOf(hold({ start }))).code).to.equal('SLOT_TAKEN');
    h.clock.advance(1);
    const second = await hold({ start });
    expect(second.status).to.equal('held');
    expect(h.bookings.statusOf(first.bookingId)).to.equal('expired');
    expect(h.bookings.events('booking.expired', first.bookingId)[0]?.booking).to.include({ status: 'expired' });
  });

  it('when the expiry message cannot be scheduled, then the hold stands (the sweep covers it)', async () => {
    const deps = { ...h.deps, scheduleExpiry: async () => Promise.reject(new Error('broker away')) };
    const reply = await placeHold(deps, placeHoldRequestV1.parse(aPlaceHoldRequest()));
    expect(h.bookings.statusOf(reply.bookingId)).to.equal('held');
  });
});
