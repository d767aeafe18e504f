import { AppError, joinWaitlistRequestV1, listWaitlistRequestV1 } from '@otk/contracts';
import { expect } from 'chai';
import { confirmBooking } from '../src/domain/confirm-booking.use-case.js';
import { cancelBooking } from '../src/domain/manage-booking.use-case.js';
import { acceptOffer, getOffer } from '../src/domain/waitlist/accept-offer.use-case.js';
import { confirmWaitlistEntry, leaveWaitlist } from '../src/domain/waitlist/confirm-and-leave-waitlist.use-case.js';
import { expireWaitlistEntries } from '../src/domain/waitlist/expire-waitlist-entries.use-case.js';
import { joinWaitlist } from '../src/domain/waitlist/join-waitlist.use-case.js';
import { offerFreedSlot } from '../src/domain/waitlist/offer-freed-slot.use-case.js';
import { newlyFreeSlotScan } from '../src/domain/waitlist/offer-newly-free-slots.use-case.js';
import { listWaitlistForStaff, removeFromWaitlist } from '../src/domain/waitlist/staff-waitlist.use-case.js';
import type { WaitlistDeps } from '../src/domain/waitlist/waitlist-ports.js';
import { aFreeHour as aFreshHour, aPlaceHoldRequest, outboxEvents } from './support/practice.js';
import { codeOf, holdWithToken, latestManageToken, useCaseHarness } from './support/use-cases.js';
import { aJoinRequest, waitlistDeps, waitlistTokens } from './support/waitlist.js';

/**
 * A fresh hour in the first 30 days of January 2031 (UTC), so inside the days the patients of these
 * tests wait for (1 to 31 January in Zurich; the last UTC hours of the 31st are 1 February there):
 * the shared counter behind `aFreshHour` has moved on by however many holds the files before this
 * one made.
 */
function aFreeHour(): Date {
  const january = Date.UTC(2031, 0, 1);
  return new Date(january + ((aFreshHour().getTime() - january) % (30 * 24 * 3600_000)));
}

describe('hold-manager: the waiting list on PostgreSQL', function () {
  this.timeout(30000);
  let h: Awaited<ReturnType<typeof useCaseHarness>>;
  let deps: WaitlistDeps;
  /** What availability lists as free, for the scan. */
  const freeSlots: { start: string; practitionerId: string }[] = [];

  before(async () => {
    h = await useCaseHarness();
    deps = waitlistDeps(h.deps, freeSlots);
  });
  after(async () => {
    await h?.close();
  });
  beforeEach(async () => {
    // Each test starts with an empty list, so that earlier entries do not take its offers.
    await h.pool.query('DELETE FROM hold_manager.waitlist_entries');
  });

  /** Joins a second after the previous patient: the order of joining is the clock's. */
  const join = (overrides: Parameters<typeof aJoinRequest>[0] = {}) => {
    h.clock.advance(1000);
    return joinWaitlist(deps, joinWaitlistRequestV1.parse(aJoinRequest(overrides)));
  };
  /** A patient on the list: joined and confirmed through the link. */
  const waiting = async (overrides: Parameters<typeof aJoinRequest>[0] = {}) => {
    const { entryId } = await join(overrides);
    const { confirm } = await waitlistTokens(h.pool, entryId);
    await confirmWaitlistEntry(deps, confirm!);
    return entryId;
  };
  /** A confirmed booking of another patient at `start`, cancelled: its time is free again. */
  const bookedAndCancelled = async (start: Date, practitionerId = 'dr-a') => {
    const { bookingId, confirmToken } = await holdWithToken(
      h.deps,
      aPlaceHoldRequest({ start: start.toISOString(), practitionerId }),
    );
    await confirmBooking(h.deps, confirmToken);
    await cancelBooking(h.deps, await latestManageToken(h.pool, bookingId));
    return { practitionerId, start, timeZone: 'Europe/Zurich' };
  };
  const statusOf = async (entryId: string) =>
    (await h.pool.query('SELECT status FROM hold_manager.waitlist_entries WHERE id = $1', [entryId])).rows[0]?.status;

  describe('joining (double opt-in)', () => {
    it('when a patient joins, then the entry is pending and only its confirm link goes to notification', async () => {
      const reply = await join();
      expect(reply).to.deep.include({
        status: 'pending',
        confirmBy: new Date(h.clock.now.getTime() + 900_000).toISOString(),
      });
      const [joined] = (await outboxEvents(h.pool, 'notice.waitlistJoined')).filter(
        (e) => e.data.entry.entryId === reply.entryId,
      );
      expect(joined?.data.confirmToken).to.have.length.of.at.least(43);
      expect(joined?.data.entry).to.deep.include({
        appointmentTypeName: { de: 'Kontrolle', en: 'Check-up' },
        practitionerName: 'Dr. A',
        firstDay: '2031-01-01',
        lastDay: '2031-01-31',
        timeZone: 'Europe/Zurich',
      });
      const { rows } = await h.pool.query('SELECT token_hash FROM hold_manager.waitlist_tokens WHERE entry_id = $1', [
        reply.entryId,
      ]);
      expect(rows.map((r) => r.token_hash)).to.not.include(joined?.data.confirmToken);
    });

    it('when the confirm link is used, then the entry waits and the leave link is sent; a second click says so', async () => {
      const { entryId } = await join();
      const { confirm } = await waitlistTokens(h.pool, entryId);
      expect(await confirmWaitlistEntry(deps, confirm!)).to.deep.equal({
        entryId,
        status: 'waiting',
        alreadyConfirmed: false,
      });
      expect(await confirmWaitlistEntry(deps, confirm!)).to.deep.equal({
        entryId,
        status: 'waiting',
        alreadyConfirmed: true,
      });
      expect((await waitlistTokens(h.pool, entryId)).leave).to.have.length(1);
    });

    it('when the confirm link is used after the confirmation window, then HOLD_EXPIRED and the entry expires', async () => {
      const { entryId } = await join();
      const { confirm } = await waitlistTokens(h.pool, entryId);
      h.clock.advance(900_000);
      expect(await codeOf(confirmWaitlistEntry(deps, confirm!))).to.equal('HOLD_EXPIRED');
      expect(await statusOf(entryId)).to.equal('expired');
    });

    it('when the type, the practitioner or the days are not possible, then a clear refusal and nothing is kept', async () => {
      expect(await codeOf(join({ appointmentTypeId: 'massage' }))).to.equal('APPOINTMENT_TYPE_UNKNOWN');
      expect(await codeOf(join({ practitionerId: 'dr-z' }))).to.equal('PRACTITIONER_UNKNOWN');
      expect(await codeOf(join({ appointmentTypeId: 'treatment', practitionerId: 'dr-b' }))).to.equal(
        'PRACTITIONER_NOT_OFFERING_TYPE',
      );
      expect(await codeOf(join({ firstDay: '2031-01-01', lastDay: '2031-03-05' }))).to.equal('DATE_RANGE_INVALID');
      expect(await codeOf(join({ firstDay: '2026-05-01', lastDay: '2026-05-31' }))).to.equal('DATE_RANGE_INVALID');
      expect(await codeOf(join({ firstDay: '2031-01-10', lastDay: '2031-01-09' }))).to.equal('DATE_RANGE_INVALID');
      const { rows } = await h.pool.query('SELECT 1 FROM hold_manager.waitlist_entries');
      expect(rows).to.deep.equal([]);
    });

    it('when a range began in the past, then the entry waits from today', async () => {
      const { entryId } = await join({ firstDay: '2026-05-20', lastDay: '2026-06-30' });
      const { rows } = await h.pool.query(
        'SELECT first_day::text AS first, ends_at FROM hold_manager.waitlist_entries WHERE id = $1',
        [entryId],
      );
      expect(rows[0]).to.deep.equal({ first: '2026-06-01', ends_at: new Date('2026-06-30T22:00:00Z') });
    });

    it('when one contact joins more often than allowed, or in parallel, then TOO_MANY_WAITLIST_ENTRIES beyond the limit', async () => {
      const email = `many.${process.pid}@example.ch`;
      const patient = { firstName: 'Max', lastName: 'Muster', email };
      const results = await Promise.allSettled([1, 2, 3, 4, 5].map(() => join({ patient })));
      expect(results.filter((r) => r.status === 'fulfilled')).to.have.length(3);
      const refusals = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(refusals.map((r) => (r.reason as AppError).code)).to.deep.equal([
        'TOO_MANY_WAITLIST_ENTRIES',
        'TOO_MANY_WAITLIST_ENTRIES',
      ]);
      expect((refusals[0]!.reason as AppError).details).to.deep.equal({ limit: 3, scope: 'contact' });
    });
  });

  describe('a freed slot is offered', () => {
    it('when a booking is cancelled, then the first waiting patients in order of joining are offered it, and no one twice', async () => {
      const start = aFreeHour();
      const first = await waiting();
      const second = await waiting();
      const third = await waiting({ practitionerId: undefined });
      const fourth = await waiting();
      const elsewhere = await waiting({ practitionerId: 'dr-b' });
      const freed = await bookedAndCancelled(start);

      expect(await offerFreedSlot(deps, freed)).to.equal(3);
      for (const entryId of [first, second, third]) {
        const { offers } = await waitlistTokens(h.pool, entryId);
        expect(offers, entryId).to.have.length(1);
        expect(await getOffer(deps, offers[0]!.token)).to.deep.include({
          state: 'open',
          practitionerId: 'dr-a',
          start: start.toISOString(),
          end: new Date(start.getTime() + 30 * 60_000).toISOString(),
        });
      }
      expect((await waitlistTokens(h.pool, fourth)).offers).to.deep.equal([]);
      expect((await waitlistTokens(h.pool, elsewhere)).offers).to.deep.equal([]);
      const offered = await outboxEvents(h.pool, 'waitlist.offered');
      expect(offered.map((e) => e.data.entry.entryId)).to.deep.equal([first, second, third]);
      expect(JSON.stringify(offered)).to.not.match(/Token/);

      // The release delivered again offers nothing new.
      expect(await offerFreedSlot(deps, freed)).to.equal(0);
    });

    it('when the freed day is outside a range, or the waited-for type does not fit then, then that patient is not offered it', async () => {
      const start = aFreeHour();
      await waiting({ firstDay: '2031-02-01', lastDay: '2031-02-28' });
      // A treatment (50 min plus buffers) would need the time of a check-up someone else holds.
      const treatment = await waiting({ appointmentTypeId: 'treatment', visitKind: 'followup' });
      const freed = await bookedAndCancelled(start);
      await holdWithToken(h.deps, aPlaceHoldRequest({ start: new Date(start.getTime() + 35 * 60_000).toISOString() }));
      expect(await offerFreedSlot(deps, freed)).to.equal(0);
      expect((await waitlistTokens(h.pool, treatment)).offers).to.deep.equal([]);
    });

    it('when the freed time is already taken again, then nobody is offered it', async () => {
      const start = aFreeHour();
      await waiting();
      const freed = await bookedAndCancelled(start);
      await holdWithToken(h.deps, aPlaceHoldRequest({ start: start.toISOString() }));
      expect(await offerFreedSlot(deps, freed)).to.equal(0);
    });
  });

  describe('a slot freed by a change in the practice calendar', () => {
    it('when a slot becomes free between two scans, then the waiting patients are offered it; what was free all along is not', async () => {
      const freeAllAlong = aFreeHour();
      const freedByStaff = new Date(freeAllAlong.getTime() + 30 * 60_000);
      const entryId = await waiting();
      const scan = newlyFreeSlotScan(deps);
      freeSlots.splice(0, freeSlots.length, { start: freeAllAlong.toISOString(), practitionerId: 'dr-a' });
      expect(await scan()).to.equal(0);
      freeSlots.push({ start: freedByStaff.toISOString(), practitionerId: 'dr-a' });
      expect(await scan()).to.equal(1);
      const { offers } = await waitlistTokens(h.pool, entryId);
      expect((await getOffer(deps, offers[0]!.token)).start).to.equal(freedByStaff.toISOString());
      expect(await scan()).to.equal(0);
      freeSlots.splice(0, freeSlots.length);
    });
  });

  describe('taking an offer', () => {
    it('when two offered patients book at the same moment, then exactly one gets it, confirmed, and the other is told it is gone and stays on the list', async () => {
      const start = aFreeHour();
      const a = await waiting();
      const b = await waiting();
      await offerFreedSlot(deps, await bookedAndCancelled(start));
      const [offerA] = (await waitlistTokens(h.pool, a)).offers;
      const [offerB] = (await waitlistTokens(h.pool, b)).offers;

      const results = await Promise.allSettled([
        acceptOffer(deps, { token: offerA!.token }),
        acceptOffer(deps, { token: offerB!.token }),
      ]);
      const won = results.filter((r) => r.status === 'fulfilled');
      const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(won).to.have.length(1);
      expect(lost).to.have.length(1);
      expect(lost[0]!.reason).to.be.instanceOf(AppError).and.to.deep.include({ code: 'OFFER_GONE' });
      expect((lost[0]!.reason as AppError).details).to.deep.equal({ onList: true });

      const { rows } = await h.pool.query(
        `SELECT status, patient->>'email' AS email FROM hold_manager.bookings WHERE starts_at = $1 AND status IN ('held', 'confirmed')`,
        [start],
      );
      expect(rows).to.have.length(1);
      expect(rows[0].status).to.equal('confirmed');
      const winner = results[0]!.status === 'fulfilled' ? a : b;
      const loser = winner === a ? b : a;
      expect(await statusOf(winner)).to.equal('booked');
      expect(await statusOf(loser)).to.equal('waiting');
      const loserToken = (winner === a ? offerB : offerA)!.token;
      expect((await getOffer(deps, loserToken)).state).to.equal('gone');
      expect(await codeOf(acceptOffer(deps, { token: loserToken }))).to.equal('OFFER_GONE');
    });

    it('when the patient opens the same offer link twice at the same moment, then both requests answer with the one booking, and the offer is accepted', async function () {
      this.timeout(120000);
      // Twenty rounds, so that the second request often reaches the reserving step after the first booked.
      for (let round = 0; round < 20; round++) {
        const start = aFreeHour();
        const entryId = await waiting();
        await offerFreedSlot(deps, await bookedAndCancelled(start));
        const [offer] = (await waitlistTokens(h.pool, entryId)).offers;

        const replies = await Promise.all([
          acceptOffer(deps, { token: offer!.token }),
          acceptOffer(deps, { token: offer!.token }),
        ]);
        const [first, second] = replies;
        expect(second!.bookingId, `round ${round}`).to.equal(first!.bookingId);
        expect(replies.map((r) => r.status)).to.deep.equal(['confirmed', 'confirmed']);
        expect(replies.map((r) => r.alreadyBooked).sort()).to.deep.equal([false, true]);

        const { rows } = await h.pool.query(
          `SELECT id, status FROM hold_manager.bookings WHERE starts_at = $1 AND status IN ('held', 'confirmed')`,
          [start],
        );
        expect(rows).to.deep.equal([{ id: first!.bookingId, status: 'confirmed' }]);
        expect(await statusOf(entryId)).to.equal('booked');
        expect((await getOffer(deps, offer!.token)).state).to.equal('booked');
        expect(await outboxEvents(h.pool, 'notice.bookingConfirmed', first!.bookingId)).to.have.length(1);
      }
    });

    it('when the winner books, then the booking is held and confirmed at once: the manage link goes out, no confirm link', async () => {
      const start = aFreeHour();
      const a = await waiting();
      await offerFreedSlot(deps, await bookedAndCancelled(start));
      const [offer] = (await waitlistTokens(h.pool, a)).offers;
      const reply = await acceptOffer(deps, { token: offer!.token, clientAddress: '198.51.100.7' });
      expect(reply).to.deep.include({ status: 'confirmed', alreadyBooked: false });
      expect(await outboxEvents(h.pool, 'notice.bookingHeld', reply.bookingId)).to.deep.equal([]);
      expect(
        (await outboxEvents(h.pool, 'booking.held', reply.bookingId)).map((e) => e.data.booking.status),
      ).to.deep.equal(['held']);
      const [confirmed] = await outboxEvents(h.pool, 'notice.bookingConfirmed', reply.bookingId);
      expect(confirmed?.data.booking).to.deep.include({ status: 'confirmed', start: start.toISOString() });
      expect(confirmed?.data.booking.patient.email).to.match(/^wanda\./);
      // A second click finds the same booking.
      expect(await acceptOffer(deps, { token: offer!.token })).to.deep.equal({ ...reply, alreadyBooked: true });
      expect((await getOffer(deps, offer!.token)).state).to.equal('booked');
    });

    it('when the patient left the list, then the offer is gone and they are not on the list', async () => {
      const a = await waiting();
      await offerFreedSlot(deps, await bookedAndCancelled(aFreeHour()));
      const { offers, leave } = await waitlistTokens(h.pool, a);
      expect(await leaveWaitlist(deps, leave[0]!)).to.deep.equal({ entryId: a, status: 'left' });
      expect(await leaveWaitlist(deps, leave[1]!)).to.deep.equal({ entryId: a, status: 'left' });
      const refusal = await acceptOffer(deps, { token: offers[0]!.token }).catch((e: unknown) => e);
      expect(refusal)
        .to.be.instanceOf(AppError)
        .and.to.deep.include({ code: 'OFFER_GONE', details: { onList: false } });
    });

    it('when a link is unknown or meant for another step, then TOKEN_INVALID', async () => {
      const a = await waiting();
      const { confirm, leave } = await waitlistTokens(h.pool, a);
      expect(await codeOf(acceptOffer(deps, { token: confirm! }))).to.equal('TOKEN_INVALID');
      expect(await codeOf(getOffer(deps, leave[0]!))).to.equal('TOKEN_INVALID');
      expect(await codeOf(leaveWaitlist(deps, 'x'.repeat(43)))).to.equal('TOKEN_INVALID');
    });
  });

  describe('ending and the console', () => {
    it('when a range is over, or a pending entry was never confirmed, then the entry expires', async () => {
      const ending = await waiting({ firstDay: '2026-06-01', lastDay: '2026-06-01' });
      const unconfirmed = (await join()).entryId;
      const lasting = await waiting();
      h.clock.advance(86400_000);
      expect(await expireWaitlistEntries(deps)).to.equal(2);
      expect(await statusOf(ending)).to.equal('expired');
      expect(await statusOf(unconfirmed)).to.equal('expired');
      expect(await statusOf(lasting)).to.equal('waiting');
      h.clock.advance(-86400_000);
    });

    it('when staff list the waiting list and remove an entry, then it is in order of joining and removed entries leave it', async () => {
      const first = await waiting();
      const second = (await join()).entryId;
      const list = await listWaitlistForStaff(deps, listWaitlistRequestV1.parse({}));
      expect(list.entries.map((e) => [e.entryId, e.status])).to.deep.equal([
        [first, 'waiting'],
        [second, 'pending'],
      ]);
      expect(await removeFromWaitlist(deps, { entryId: first, reason: 'booked by phone' })).to.deep.equal({
        entryId: first,
        status: 'removed',
      });
      expect(await codeOf(removeFromWaitlist(deps, { entryId: first, reason: 'again' }))).to.equal(
        'ILLEGAL_TRANSITION',
      );
      const after = await listWaitlistForStaff(deps, listWaitlistRequestV1.parse({}));
      expect(after.entries.map((e) => e.entryId)).to.deep.equal([second]);
    });
  });
});
