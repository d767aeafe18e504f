import { AppError, type CommandRequest } from '@otk/contracts';
import { expect } from 'chai';
import { patientDataStore } from '../src/data-access/patient-data.repository.js';
import { eraseExpiredData } from '../src/data-access/retention.repository.js';
import { confirmBooking } from '../src/domain/confirm-booking.use-case.js';
import { cancelBooking } from '../src/domain/manage-booking.use-case.js';
import { erasePatient, exportPatient } from '../src/domain/patient-data.use-case.js';
import { retentionCutoffs } from '../src/domain/retention.js';
import { withdrawHold } from '../src/domain/withdraw-hold.use-case.js';
import { aPlaceHoldRequest } from './support/practice.js';
import { holdWithToken, latestManageToken, useCaseHarness } from './support/use-cases.js';

describe("hold-manager: a patient's bookings exported and erased on request", function () {
  this.timeout(30000);
  let h: Awaited<ReturnType<typeof useCaseHarness>>;
  let store: ReturnType<typeof patientDataStore>;
  const erika = { firstName: 'Erika', lastName: 'Muster', birthDate: '1970-01-02' };

  /** A booking of `patient`: held, and confirmed and cancelled as `steps` says. */
  const aBooking = async (
    patient: CommandRequest<'hold.place'>['patient'],
    steps: ('confirm' | 'cancel' | 'withdraw')[] = [],
  ) => {
    const { bookingId, confirmToken } = await holdWithToken(h.deps, aPlaceHoldRequest({ patient }));
    for (const step of steps) {
      if (step === 'confirm') await confirmBooking(h.deps, confirmToken);
      if (step === 'withdraw') await withdrawHold(h.deps, confirmToken);
      if (step === 'cancel') await cancelBooking(h.deps, await latestManageToken(h.pool, bookingId));
    }
    return bookingId;
  };
  const refusal = async (promise: Promise<unknown>) => {
    try {
      await promise;
    } catch (error) {
      if (error instanceof AppError) return { code: error.code, details: error.details };
      throw error;
    }
    throw new Error('expected a refusal');
  };
  const exists = async (bookingId: string) =>
    (await h.pool.query('SELECT 1 FROM hold_manager.bookings WHERE id = $1', [bookingId])).rowCount === 1;

  before(async () => {
    h = await useCaseHarness();
    store = patientDataStore(h.pool);
  });
  after(async () => {
    await h?.close();
  });

  it('when a patient is exported from a booking with a birth date, then it holds their bookings under any case of the name with history and consent, and no namesake born another day', async () => {
    const cancelled = await aBooking({ ...erika, email: 'erika@example.ch' }, ['confirm', 'cancel']);
    const upcoming = await aBooking({ ...erika, lastName: 'MUSTER', email: 'e.muster@example.ch' }, ['confirm']);
    const namesake = await aBooking({ ...erika, birthDate: '1971-01-02', email: 'other@example.ch' });

    const exported = await exportPatient(store, cancelled);
    expect(exported.matchedBy).to.equal('name-and-birth-date');
    expect(exported.bookings.map((b) => b.bookingId).sort()).to.deep.equal([cancelled, upcoming].sort());
    expect(JSON.stringify(exported)).not.to.include(namesake);
    const first = exported.bookings.find((b) => b.bookingId === cancelled)!;
    expect(first.history.map((step) => step.what)).to.deep.equal(['held', 'confirmed', 'cancelled']);
    expect(first.consent).to.deep.equal({ acceptedAt: h.clock.now.toISOString(), privacyPolicyVersion: '2026-01' });
    expect(first.patient).to.include({ email: 'erika@example.ch', birthDate: '1970-01-02' });

    const blocked = await refusal(erasePatient(store, cancelled, h.clock.now));
    expect(blocked).to.deep.equal({
      code: 'ERASURE_BLOCKED',
      details: { reason: 'active-bookings', bookingIds: [upcoming] },
    });
    expect(await exists(cancelled)).to.equal(true);
  });

  it('when an event of the patient is not yet published, then erasure waits; once published, their bookings, tokens and event data go, and asking again names the same bookings', async () => {
    const nobody = { firstName: 'Hans', lastName: 'Ohnedatum' };
    const first = await aBooking({ ...nobody, email: 'hans@example.ch' }, ['confirm', 'cancel']);
    const second = await aBooking({ firstName: 'HANS', lastName: 'ohnedatum', email: 'hans@example.ch' }, ['withdraw']);
    const otherContact = await aBooking({ ...nobody, email: 'hans.other@example.ch' }, ['withdraw']);
    expect((await exportPatient(store, first)).matchedBy).to.equal('name-and-contact');

    // The harness has no relay: every event is still waiting to be published.
    const waiting = await refusal(erasePatient(store, first, h.clock.now));
    expect(waiting.code).to.equal('ERASURE_BLOCKED');
    expect(waiting.details).to.include({ reason: 'events-pending' });
    expect(await exists(first)).to.equal(true);

    await h.pool.query('UPDATE hold_manager.outbox SET published_at = $1 WHERE published_at IS NULL', [h.clock.now]);
    const erased = await erasePatient(store, first, h.clock.now);
    expect(erased.bookingIds.sort()).to.deep.equal([first, second].sort());
    expect(erased.alreadyErased).to.equal(false);
    expect(erased.erased.bookings).to.equal(2);
    expect(erased.erased.linkTokens).to.be.at.least(2);
    expect(erased.erased.eventData).to.be.at.least(5);
    expect(await exists(first)).to.equal(false);
    expect(await exists(second)).to.equal(false);
    expect(await exists(otherContact)).to.equal(true);
    const { rows: tokens } = await h.pool.query(
      'SELECT 1 FROM hold_manager.booking_tokens WHERE booking_id = ANY($1)',
      [[first, second]],
    );
    expect(tokens).to.have.length(0);
    const { rows: events } = await h.pool.query<{ envelope: Record<string, unknown> }>(
      'SELECT envelope FROM hold_manager.outbox WHERE subject_id = ANY($1)',
      [[first, second]],
    );
    expect(events.length).to.be.at.least(5);
    for (const { envelope } of events) expect(envelope).not.to.have.property('data');

    const again = await erasePatient(store, second, h.clock.now);
    expect(again).to.deep.equal({
      bookingIds: [first, second].sort(),
      alreadyErased: true,
      erased: { bookings: 0, linkTokens: 0, eventData: 0 },
    });
    expect((await refusal(exportPatient(store, first))).code).to.equal('NOT_FOUND');
  });

  it('when the bookings’ retention period has passed, then the record of an erasure goes too', async () => {
    const { rows: before } = await h.pool.query('SELECT 1 FROM hold_manager.erased_bookings');
    expect(before.length).to.be.above(0);
    const later = new Date(h.clock.now.getTime() + 91 * 24 * 3600_000);
    const erased = await eraseExpiredData(
      h.pool,
      retentionCutoffs(later, { endedHoldHours: 12, bookingDays: 90, publishedEventMinutes: 60 }),
    );
    expect(erased.erasureRecords).to.equal(before.length);
  });
});
