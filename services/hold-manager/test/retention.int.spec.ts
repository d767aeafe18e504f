import { joinWaitlistRequestV1, placeHoldRequestV1 } from '@otk/contracts';
import { oneRetentionRun } from '@otk/test-kit';
import { expect } from 'chai';
import { confirmBooking } from '../src/domain/confirm-booking.use-case.js';
import { sweepOverdueHolds } from '../src/domain/expire-holds.use-case.js';
import { cancelBooking } from '../src/domain/manage-booking.use-case.js';
import { placeHold } from '../src/domain/place-hold.use-case.js';
import { withdrawHold } from '../src/domain/withdraw-hold.use-case.js';
import { confirmWaitlistEntry, leaveWaitlist } from '../src/domain/waitlist/confirm-and-leave-waitlist.use-case.js';
import { joinWaitlist } from '../src/domain/waitlist/join-waitlist.use-case.js';
import { startRetention } from '../src/entry-points/retention.timer.js';
import { aPlaceHoldRequest } from './support/practice.js';
import { holdWithToken, latestManageToken, useCaseHarness } from './support/use-cases.js';
import { aJoinRequest, waitlistDeps, waitlistTokens } from './support/waitlist.js';

const hour = 3600_000;
const periods = { endedHoldHours: 12, bookingDays: 90, publishedEventMinutes: 60 };

describe('hold-manager retention: personal data erased when its period has run out', function () {
  this.timeout(30000);
  let h: Awaited<ReturnType<typeof useCaseHarness>>;
  let logLines: Record<string, unknown>[] = [];

  before(async () => {
    h = await useCaseHarness();
  });
  after(async () => {
    await h?.close();
  });

  /** One run of the retention job as the service schedules it; resolves with the counts it logged. */
  const runRetention = async () => {
    const run = await oneRetentionRun((logger, intervalMs) =>
      startRetention({ pool: h.pool, now: () => h.clock.now }, logger, intervalMs, periods),
    );
    logLines = run.lines;
    return run.erased;
  };
  const exists = async (bookingId: string) =>
    (await h.pool.query('SELECT 1 FROM hold_manager.bookings WHERE id = $1', [bookingId])).rowCount === 1;
  const tokensOf = async (bookingId: string) =>
    (await h.pool.query('SELECT 1 FROM hold_manager.booking_tokens WHERE booking_id = $1', [bookingId])).rowCount;

  it('when the clock passes 24 h after holds expired or were withdrawn, then their personal data is gone and the counts are logged', async () => {
    const expired = await placeHold(h.deps, placeHoldRequestV1.parse(aPlaceHoldRequest()));
    const withdrawn = await holdWithToken(h.deps, aPlaceHoldRequest());
    await withdrawHold(h.deps, withdrawn.confirmToken);
    const kept = await holdWithToken(h.deps, aPlaceHoldRequest());
    await confirmBooking(h.deps, kept.confirmToken);
    h.clock.advance(16 * 60_000);
    expect(await sweepOverdueHolds(h.deps)).to.equal(1);
    // As the relay does once the broker confirmed them.
    await h.pool.query('UPDATE hold_manager.outbox SET published_at = $1', [h.clock.now]);

    const early = await runRetention();
    expect(early).to.deep.include({ endedHolds: 0, publishedEventData: 0 });
    expect(await exists(expired.bookingId)).to.equal(true);

    h.clock.advance(24 * hour);
    const erased = await runRetention();

    expect(erased).to.deep.include({ endedHolds: 2 });
    expect(erased.publishedEventData).to.be.at.least(4);
    expect(await exists(expired.bookingId)).to.equal(false);
    expect(await exists(withdrawn.bookingId)).to.equal(false);
    expect(await tokensOf(withdrawn.bookingId)).to.equal(0);
    expect(await exists(kept.bookingId)).to.equal(true);
    const { rows } = await h.pool.query<{ envelope: Record<string, unknown> }>(
      'SELECT envelope FROM hold_manager.outbox',
    );
    for (const { envelope } of rows) {
      expect(envelope).to.have.all.keys('id', 'type', 'version', 'occurredAt');
    }
    const logged = JSON.stringify(logLines);
    expect(logged).not.to.match(/Anna|Beispiel|@example/);
  });

  it('when a booking ended or was cancelled longer ago than the practice keeps bookings, then it is erased; one still within is kept', async () => {
    // The test support reads link tokens from the outbox and parses every row it finds there.
    await h.pool.query(`DELETE FROM hold_manager.outbox WHERE NOT envelope ? 'data'`);
    const past = await holdWithToken(h.deps, aPlaceHoldRequest());
    await confirmBooking(h.deps, past.confirmToken);
    const cancelled = await holdWithToken(h.deps, aPlaceHoldRequest());
    await confirmBooking(h.deps, cancelled.confirmToken);
    await cancelBooking(h.deps, await latestManageToken(h.pool, cancelled.bookingId));
    const { rows } = await h.pool.query<{ ends_at: Date }>('SELECT ends_at FROM hold_manager.bookings WHERE id = $1', [
      past.bookingId,
    ]);

    // The cancellation lies years back by then; the appointment ended 89 days ago.
    h.clock.now = new Date(rows[0]!.ends_at.getTime() + 89 * 24 * hour);
    const first = await runRetention();
    expect(first.cancelledBookings).to.be.at.least(1);
    expect(await exists(cancelled.bookingId)).to.equal(false);
    expect(await exists(past.bookingId)).to.equal(true);

    h.clock.now = new Date(rows[0]!.ends_at.getTime() + 91 * 24 * hour);
    const second = await runRetention();
    expect(second.pastBookings).to.be.at.least(1);
    expect(await exists(past.bookingId)).to.equal(false);
  });

  it('when a place on the waiting list ended longer ago than an ended hold is kept, then it is erased with its tokens; one still waiting is kept', async () => {
    const deps = waitlistDeps(h.deps);
    // Ten days from the harness's clock, which earlier tests moved on.
    const days = {
      firstDay: h.clock.now.toISOString().slice(0, 10),
      lastDay: new Date(h.clock.now.getTime() + 10 * 24 * hour).toISOString().slice(0, 10),
    };
    const join = async () => {
      const { entryId } = await joinWaitlist(deps, joinWaitlistRequestV1.parse(aJoinRequest(days)));
      await confirmWaitlistEntry(deps, (await waitlistTokens(h.pool, entryId)).confirm!);
      return entryId;
    };
    const left = await join();
    const waiting = await join();
    await leaveWaitlist(deps, (await waitlistTokens(h.pool, left)).leave[0]!);
    const entryExists = async (id: string) =>
      (await h.pool.query('SELECT 1 FROM hold_manager.waitlist_entries WHERE id = $1', [id])).rowCount === 1;

    expect(await runRetention()).to.deep.include({ endedWaitlistEntries: 0 });
    h.clock.advance(13 * hour);
    expect(await runRetention()).to.deep.include({ endedWaitlistEntries: 1 });
    expect(await entryExists(left)).to.equal(false);
    expect(await entryExists(waiting)).to.equal(true);
    const tokens = await h.pool.query('SELECT 1 FROM hold_manager.waitlist_tokens WHERE entry_id = $1', [left]);
    expect(tokens.rowCount).to.equal(0);
  });
});
