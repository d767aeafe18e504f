import { AppError, placeHoldRequestV1 } from '@otk/contracts';
import { expect } from 'chai';
import { confirmBooking } from '../src/domain/confirm-booking.use-case.js';
import { ExpiryNotDueError, expireHoldWhenDue, sweepOverdueHolds } from '../src/domain/expire-holds.use-case.js';
import { issueManageToken } from '../src/domain/issue-manage-token.use-case.js';
import { listActive } from '../src/domain/list-active.use-case.js';
import { cancelBooking, changeBooking, getBooking } from '../src/domain/manage-booking.use-case.js';
import { placeHold } from '../src/domain/place-hold.use-case.js';
import { withdrawHold } from '../src/domain/withdraw-hold.use-case.js';
import { aFreeHour, aPlaceHoldRequest, defaultSettings, outboxEvents, setSettings } from './support/practice.js';
import { codeOf, holdWithToken, latestManageToken, useCaseHarness } from './support/use-cases.js';

describe('hold-manager: booking lifecycle on PostgreSQL', function () {
  this.timeout(30000);
  let h: Awaited<ReturnType<typeof useCaseHarness>>;

  before(async () => {
    h = await useCaseHarness();
  });
  after(async () => {
    await h?.close();
  });
  afterEach(async () => {
    await setSettings(h.pool, defaultSettings);
  });

  const hold = (overrides: Parameters<typeof aPlaceHoldRequest>[0] = {}) =>
    placeHold(h.deps, placeHoldRequestV1.parse(aPlaceHoldRequest(overrides)));
  const confirmed = async (overrides: Parameters<typeof aPlaceHoldRequest>[0] = {}) => {
    const { bookingId, confirmToken } = await holdWithToken(h.deps, aPlaceHoldRequest(overrides));
    await confirmBooking(h.deps, confirmToken);
    return { bookingId, manageToken: await latestManageToken(h.pool, bookingId) };
  };

  describe('hold', () => {
    it('when a slot is held, then the booking carries what availability reported and its held notice the confirm token', async () => {
      const start = aFreeHour();
      const reply = await hold({ start: start.toISOString(), visitKind: 'first' });

      expect(reply.status).to.equal('held');
      expect(reply.expiresAt).to.equal(new Date(h.clock.now.getTime() + 900_000).toISOString());
      const [held] = await outboxEvents(h.pool, 'notice.bookingHeld', reply.bookingId);
      expect(held?.data.confirmToken).to.have.length.of.at.least(43); // 256 bits, base64url
      expect(held?.data.booking).to.deep.include({
        status: 'held',
        practitionerName: 'Dr. A',
        timeZone: 'Europe/Zurich',
        visitKind: 'first',
        start: start.toISOString(),
        end: new Date(start.getTime() + 30 * 60_000).toISOString(),
        occupiedUntil: new Date(start.getTime() + 35 * 60_000).toISOString(),
        expiresAt: reply.expiresAt,
        changeableUntil: new Date(start.getTime() - 86400_000).toISOString(),
        channel: 'email',
      });
      expect(held?.data.booking.occupants).to.deep.equal([
        { kind: 'practitioner', id: 'dr-a' },
        { kind: 'resource', id: 'room-1' },
      ]);
      expect(h.scheduled.find((s) => s.bookingId === reply.bookingId)?.delayMs).to.equal(900_000);
    });

    it('when a hold is placed, then the consent is stored with its time and policy version, and only the token hash', async () => {
      const { bookingId, confirmToken } = await holdWithToken(h.deps, aPlaceHoldRequest());
      const { rows } = await h.pool.query(
        'SELECT consent_accepted_at, privacy_policy_version FROM hold_manager.bookings WHERE id = $1',
        [bookingId],
      );
      expect(rows[0]).to.deep.equal({ consent_accepted_at: h.clock.now, privacy_policy_version: '2026-01' });
      const tokens = await h.pool.query('SELECT token_hash FROM hold_manager.booking_tokens WHERE booking_id = $1', [
        bookingId,
      ]);
      expect(tokens.rows).to.have.length(1);
      expect(tokens.rows[0].token_hash).to.match(/^[0-9a-f]{64}$/);
      expect(tokens.rows[0].token_hash).to.not.equal(confirmToken);
    });

    it('when the same slot is held twice, then the second is refused with SLOT_TAKEN and the next free slots', async () => {
      const start = aFreeHour().toISOString();
      await hold({ start });
      const refusal = await hold({ start }).catch((e: unknown) => e);
      expect(refusal).to.be.instanceOf(AppError).and.to.have.property('code', 'SLOT_TAKEN');
      const { alternatives } = (refusal as AppError).details as { alternatives: { start: string }[] };
      expect(alternatives).to.have.length(3);
      expect(Date.parse(alternatives[0]!.start)).to.be.greaterThan(Date.parse(start));
    });

    it('when a longer type overlaps the practitioner, or another practitioner needs the shared room, then SLOT_TAKEN', async () => {
      const start = aFreeHour();
      await hold({ start: start.toISOString(), practitionerId: 'dr-b' });
      const tenLater = new Date(start.getTime() + 10 * 60_000).toISOString();
      expect(await codeOf(hold({ start: tenLater, practitionerId: 'dr-b', appointmentTypeId: 'treatment' }))).to.equal(
        'SLOT_TAKEN',
      );
      expect(await codeOf(hold({ start: start.toISOString(), practitionerId: 'dr-c' }))).to.equal('SLOT_TAKEN');
      // dr-a works in another room, so the same time is free for them.
      expect((await hold({ start: start.toISOString(), practitionerId: 'dr-a' })).status).to.equal('held');
    });

    it('when the buffer after one appointment reaches into the next, then the next is refused', async () => {
      const start = aFreeHour();
      await hold({ start: start.toISOString() });
      const rightAfter = new Date(start.getTime() + 30 * 60_000).toISOString(); // inside the 5-minute buffer
      expect(await codeOf(hold({ start: rightAfter }))).to.equal('SLOT_TAKEN');
      const afterBuffer = new Date(start.getTime() + 35 * 60_000).toISOString();
      expect((await hold({ start: afterBuffer })).status).to.equal('held');
    });

    it('when availability does not offer the slot, then SLOT_NOT_OFFERED and nothing is held', async () => {
      const start = new Date(aFreeHour().getTime() + 60_000).toISOString();
      expect(await codeOf(hold({ start }))).to.equal('SLOT_NOT_OFFERED');
      const { rows } = await h.pool.query('SELECT 1 FROM hold_manager.bookings WHERE starts_at = $1', [start]);
      expect(rows).to.deep.equal([]);
    });

    describe('when availability answers the slot check', () => {
      /** Availability's slot check, counting its calls; refusing `start` with `reason` when one is given. */
      const checking = (start?: string, details?: Record<string, unknown>) => {
        const calls: string[] = [];
        const deps = {
          ...h.deps,
          checkSlot: async (request: Parameters<typeof h.deps.checkSlot>[0]) => {
            calls.push(request.start);
            if (request.start === start) throw new AppError('SLOT_NOT_OFFERED', 'not offered', details);
            return h.deps.checkSlot(request);
          },
        };
        return { deps, calls };
      };
      const holdWith = (deps: typeof h.deps, start: string) =>
        placeHold(deps, placeHoldRequestV1.parse(aPlaceHoldRequest({ start })));

      it('as offered while hold-manager holds it, then the patient gets SLOT_TAKEN with the next free slots; at the held start, unasked', async () => {
        const start = aFreeHour().toISOString();
        await hold({ start, practitionerId: 'dr-b' });
        const { deps, calls } = checking();
        const refusal = await placeHold(
          deps,
          placeHoldRequestV1.parse(aPlaceHoldRequest({ start, practitionerId: 'dr-c' })),
        ).catch((e: unknown) => e);
        expect(refusal).to.be.instanceOf(AppError).and.to.have.property('code', 'SLOT_TAKEN');
        expect((refusal as AppError).details?.alternatives).to.have.length(3);
        expect(calls).to.have.length(1);
        expect(
          await codeOf(placeHold(deps, placeHoldRequestV1.parse(aPlaceHoldRequest({ start, practitionerId: 'dr-b' })))),
        ).to.equal('SLOT_TAKEN');
        expect(calls).to.have.length(1);
      });

      it('as offered while the only hold in the way is overdue by now, then the slot is held', async () => {
        const start = aFreeHour().toISOString();
        await hold({ start });
        h.clock.advance(900_000);
        const { deps } = checking();
        expect((await holdWith(deps, start)).status).to.equal('held');
      });

      it('as busy in the practice calendar, then SLOT_TAKEN with the next free slots, asked once', async () => {
        const start = aFreeHour().toISOString();
        const { deps, calls } = checking(start, { reason: 'busy' });
        const refusal = await holdWith(deps, start).catch((e: unknown) => e);
        expect(refusal).to.be.instanceOf(AppError).and.to.have.property('code', 'SLOT_TAKEN');
        expect((refusal as AppError).details?.alternatives).to.have.length(3);
        expect(calls).to.have.length(1);
      });

      it('as not offered at all, or without saying why, then SLOT_NOT_OFFERED, asked once', async () => {
        for (const details of [{ reason: 'not-offered' }, undefined]) {
          const start = aFreeHour().toISOString();
          const { deps, calls } = checking(start, details);
          expect(await codeOf(holdWith(deps, start))).to.equal('SLOT_NOT_OFFERED');
          expect(calls).to.have.length(1);
        }
      });
    });

    it('when a request is retried with the same Idempotency-Key, then it returns the same hold; with another body, IDEMPOTENCY_KEY_REUSED', async () => {
      const request = aPlaceHoldRequest({ idempotencyKey: `key-${aFreeHour().getTime()}` });
      const first = await placeHold(h.deps, placeHoldRequestV1.parse(request));
      const again = await placeHold(h.deps, placeHoldRequestV1.parse({ ...request, clientAddress: '10.0.0.9' }));
      expect(again).to.deep.equal(first);
      expect(await outboxEvents(h.pool, 'booking.held', first.bookingId)).to.have.length(1);

      const other = { ...request, start: aFreeHour().toISOString() };
      expect(await codeOf(placeHold(h.deps, placeHoldRequestV1.parse(other)))).to.equal('IDEMPOTENCY_KEY_REUSED');
    });

    it('when two requests with the same Idempotency-Key arrive at once, then both answer with one hold', async () => {
      const request = placeHoldRequestV1.parse(aPlaceHoldRequest({ idempotencyKey: `twin-${aFreeHour().getTime()}` }));
      const [a, b] = await Promise.all([placeHold(h.deps, request), placeHold(h.deps, request)]);
      expect(a).to.deep.equal(b);
      const { rows } = await h.pool.query(
        'SELECT count(*)::int AS n FROM hold_manager.bookings WHERE idempotency_key = $1',
        [request.idempotencyKey],
      );
      expect(rows[0].n).to.equal(1);
    });

    it('when a contact or a client address has too many open holds, then TOO_MANY_OPEN_HOLDS', async () => {
      await setSettings(h.pool, { max_open_holds_per_contact: 2, max_open_holds_per_client: 3 });
      const email = `limit.${aFreeHour().getTime()}@example.ch`;
      const patient = { ...aPlaceHoldRequest().patient, email: email.toUpperCase() };
      await hold({ patient: { ...patient, email } });
      await hold({ patient });
      expect(await codeOf(hold({ patient }))).to.equal('TOO_MANY_OPEN_HOLDS');

      const clientAddress = `192.0.2.${aFreeHour().getTime() % 250}`;
      for (let i = 0; i < 3; i++) await hold({ clientAddress });
      expect(await codeOf(hold({ clientAddress }))).to.equal('TOO_MANY_OPEN_HOLDS');
      expect((await hold({ clientAddress: '198.51.100.1' })).status).to.equal('held');
    });

    it('when one client address sends a burst of 60 holds at once, then exactly its limit of 20 are held and 40 get TOO_MANY_OPEN_HOLDS', async () => {
      const clientAddress = '203.0.113.50';
      const answers = await Promise.all(
        Array.from({ length: 60 }, () =>
          hold({ clientAddress }).then(
            () => 'held',
            (e: unknown) => (e instanceof AppError ? e.code : String(e)),
          ),
        ),
      );
      const counts: Record<string, number> = {};
      for (const answer of answers) counts[answer] = (counts[answer] ?? 0) + 1;
      expect(counts).to.deep.equal({ held: 20, TOO_MANY_OPEN_HOLDS: 40 });
      expect(await codeOf(hold({ clientAddress }))).to.equal('TOO_MANY_OPEN_HOLDS');
    });

    it('when a hold is past its deadline but not yet expired, then it does not block its slot, to the millisecond', async () => {
      const start = aFreeHour().toISOString();
      const first = await hold({ start });
      h.clock.advance(900_000 - 1);
      expect(await codeOf(hold({ start }))).to.equal('SLOT_TAKEN');
      h.clock.advance(1);
      const second = await hold({ start });

      expect(second.status).to.equal('held');
      const [expired] = await outboxEvents(h.pool, 'booking.expired', first.bookingId);
      expect(expired?.data.booking).to.include({ status: 'expired', expiresAt: null });
    });

    it('when the channel is SMS without a phone, then the request is invalid', () => {
      const result = placeHoldRequestV1.safeParse(aPlaceHoldRequest({ channel: 'sms' }));
      expect(result.success).to.equal(false);
    });
  });

  describe('confirm and withdraw', () => {
    it('when the confirm link is used, then the booking is confirmed and booking.confirmed carries a manage token', async () => {
      const { bookingId, confirmToken } = await holdWithToken(h.deps, aPlaceHoldRequest());
      const reply = await confirmBooking(h.deps, confirmToken);

      expect(reply).to.deep.equal({ bookingId, status: 'confirmed', alreadyConfirmed: false });
      const [event] = await outboxEvents(h.pool, 'notice.bookingConfirmed', bookingId);
      expect(event?.data.booking).to.include({ status: 'confirmed', expiresAt: null });
      expect(event?.data.manageToken).to.have.length.of.at.least(43);
    });

    it('when the confirm link is used a second time, then it answers already confirmed and emits nothing more', async () => {
      const { bookingId, confirmToken } = await holdWithToken(h.deps, aPlaceHoldRequest());
      await confirmBooking(h.deps, confirmToken);
      expect(await confirmBooking(h.deps, confirmToken)).to.include({ alreadyConfirmed: true });
      expect(await outboxEvents(h.pool, 'booking.confirmed', bookingId)).to.have.length(1);
    });

    it('when the confirm link is used after the deadline, then HOLD_EXPIRED and the hold expires', async () => {
      const { bookingId, confirmToken } = await holdWithToken(h.deps, aPlaceHoldRequest());
      h.clock.advance(900_000);
      expect(await codeOf(confirmBooking(h.deps, confirmToken))).to.equal('HOLD_EXPIRED');
      expect(await outboxEvents(h.pool, 'booking.expired', bookingId)).to.have.length(1);
      expect(await codeOf(confirmBooking(h.deps, confirmToken))).to.equal('HOLD_EXPIRED');
    });

    it('when a manage token is used to confirm, or an unknown token, then TOKEN_INVALID', async () => {
      const { manageToken } = await confirmed();
      expect(await codeOf(confirmBooking(h.deps, manageToken))).to.equal('TOKEN_INVALID');
      expect(await codeOf(confirmBooking(h.deps, 'x'.repeat(43)))).to.equal('TOKEN_INVALID');
    });

    it('when a confirm token is used to manage, change or cancel, then TOKEN_INVALID', async () => {
      const { confirmToken } = await holdWithToken(h.deps, aPlaceHoldRequest());
      await confirmBooking(h.deps, confirmToken);
      expect(await codeOf(getBooking(h.deps, confirmToken))).to.equal('TOKEN_INVALID');
      expect(await codeOf(cancelBooking(h.deps, confirmToken))).to.equal('TOKEN_INVALID');
      expect(await codeOf(changeBooking(h.deps, { token: confirmToken, start: aFreeHour().toISOString() }))).to.equal(
        'TOKEN_INVALID',
      );
    });

    it('when the patient withdraws a hold, then its slot is free at once; a withdrawn hold cannot be confirmed', async () => {
      const request = aPlaceHoldRequest();
      const { bookingId, confirmToken } = await holdWithToken(h.deps, request);
      expect(await withdrawHold(h.deps, confirmToken)).to.deep.equal({ bookingId, status: 'withdrawn' });
      expect(await outboxEvents(h.pool, 'booking.withdrawn', bookingId)).to.have.length(1);
      expect(await codeOf(confirmBooking(h.deps, confirmToken))).to.equal('ILLEGAL_TRANSITION');
      expect(await codeOf(withdrawHold(h.deps, confirmToken))).to.equal('ILLEGAL_TRANSITION');
      expect((await hold({ start: request.start })).status).to.equal('held');
    });

    it('when a confirmed booking is withdrawn, then ILLEGAL_TRANSITION', async () => {
      const { confirmToken } = await holdWithToken(h.deps, aPlaceHoldRequest());
      await confirmBooking(h.deps, confirmToken);
      expect(await codeOf(withdrawHold(h.deps, confirmToken))).to.equal('ILLEGAL_TRANSITION');
    });

    it('when an overdue hold is withdrawn, then HOLD_EXPIRED', async () => {
      const { confirmToken } = await holdWithToken(h.deps, aPlaceHoldRequest());
      h.clock.advance(900_000);
      expect(await codeOf(withdrawHold(h.deps, confirmToken))).to.equal('HOLD_EXPIRED');
    });
  });

  describe('expiry', () => {
    it('when the expiry message arrives early, then it is retried; at the deadline the hold expires; again, nothing happens', async () => {
      const { bookingId } = await hold();
      const early = await expireHoldWhenDue(h.deps, bookingId).catch((e: unknown) => e);
      expect(early).to.be.instanceOf(ExpiryNotDueError);
      h.clock.advance(900_000);
      expect(await expireHoldWhenDue(h.deps, bookingId)).to.equal('expired');
      expect(await expireHoldWhenDue(h.deps, bookingId)).to.equal('skipped');
      expect(await outboxEvents(h.pool, 'booking.expired', bookingId)).to.have.length(1);
    });

    it('when a confirmed booking gets its expiry message, then nothing changes', async () => {
      const { bookingId } = await confirmed();
      h.clock.advance(900_000);
      expect(await expireHoldWhenDue(h.deps, bookingId)).to.equal('skipped');
    });

    it('when overdue holds were never expired, then the sweep expires them all and no others', async () => {
      h.clock.advance(3600_000); // clear whatever earlier tests left due
      await sweepOverdueHolds(h.deps);
      const due = [await hold(), await hold()];
      h.clock.advance(1000);
      const notDue = await hold();
      h.clock.advance(900_000 - 1000);

      expect(await sweepOverdueHolds(h.deps)).to.equal(2);
      for (const { bookingId } of due)
        expect(await outboxEvents(h.pool, 'booking.expired', bookingId)).to.have.length(1);
      expect(await outboxEvents(h.pool, 'booking.expired', notDue.bookingId)).to.deep.equal([]);
    });
  });

  describe('manage, change and cancel', () => {
    it('when the manage link is opened, then it shows the booking and whether it may still be changed', async () => {
      const { bookingId, manageToken } = await confirmed();
      const view = await getBooking(h.deps, manageToken);
      expect(view).to.include({ bookingId, status: 'confirmed', changeable: true, practitionerName: 'Dr. A' });
      expect(view).to.not.have.property('occupants');
    });

    it('when a confirmed booking is changed, then the new slot is taken and the old one freed in one step', async () => {
      const oldStart = aFreeHour();
      const { bookingId, manageToken } = await confirmed({ start: oldStart.toISOString() });
      const newStart = new Date(oldStart.getTime() + 15 * 60_000); // overlapping its own old slot is fine

      const view = await changeBooking(h.deps, {
        token: manageToken,
        start: newStart.toISOString(),
        practitionerId: 'dr-b',
      });

      expect(view).to.include({
        bookingId,
        status: 'confirmed',
        start: newStart.toISOString(),
        practitionerId: 'dr-b',
      });
      const [changed] = await outboxEvents(h.pool, 'notice.bookingChanged', bookingId);
      expect(changed?.data.previous).to.include({ practitionerId: 'dr-a', start: oldStart.toISOString() });
      expect(changed?.data.booking.occupants).to.deep.include({ kind: 'resource', id: 'room-2' });
      expect(changed?.data.manageToken).to.not.equal(manageToken);
      expect((await hold({ start: oldStart.toISOString() })).status).to.equal('held');
      expect(await codeOf(hold({ start: newStart.toISOString(), practitionerId: 'dr-c' }))).to.equal('SLOT_TAKEN');
      // Both the first and the new manage link work.
      expect((await getBooking(h.deps, manageToken)).start).to.equal(newStart.toISOString());
      expect((await getBooking(h.deps, changed!.data.manageToken)).start).to.equal(newStart.toISOString());
    });

    it('when a booking is changed to the slot it already has, then nothing changes and no message goes out', async () => {
      const start = aFreeHour().toISOString();
      const { bookingId, manageToken } = await confirmed({ start });
      const view = await changeBooking(h.deps, { token: manageToken, start });
      expect(view).to.include({ bookingId, start, status: 'confirmed' });
      expect(await outboxEvents(h.pool, 'booking.changed', bookingId)).to.deep.equal([]);
    });

    it('when the new slot is taken, then SLOT_TAKEN and the booking keeps its old slot', async () => {
      const oldStart = aFreeHour().toISOString();
      const { manageToken } = await confirmed({ start: oldStart });
      const taken = aFreeHour().toISOString();
      await hold({ start: taken });

      expect(await codeOf(changeBooking(h.deps, { token: manageToken, start: taken }))).to.equal('SLOT_TAKEN');
      expect((await getBooking(h.deps, manageToken)).start).to.equal(oldStart);
      expect(await codeOf(hold({ start: oldStart }))).to.equal('SLOT_TAKEN');
    });

    it('when a confirmed booking is cancelled, then its slot is free; cancelling again is ILLEGAL_TRANSITION', async () => {
      const start = aFreeHour().toISOString();
      const { bookingId, manageToken } = await confirmed({ start });
      expect(await cancelBooking(h.deps, manageToken)).to.deep.equal({ bookingId, status: 'cancelled' });
      expect(await outboxEvents(h.pool, 'booking.cancelled', bookingId)).to.have.length(1);
      expect((await hold({ start })).status).to.equal('held');
      expect(await codeOf(cancelBooking(h.deps, manageToken))).to.equal('ILLEGAL_TRANSITION');
      expect(await codeOf(changeBooking(h.deps, { token: manageToken, start: aFreeHour().toISOString() }))).to.equal(
        'ILLEGAL_TRANSITION',
      );
      expect(await getBooking(h.deps, manageToken)).to.include({ status: 'cancelled', changeable: false });
    });

    it('when the cancellation deadline has passed, then change and cancel are refused with CANCELLATION_DEADLINE_PASSED', async () => {
      const start = new Date(h.clock.now.getTime() + 2 * 86400_000);
      start.setUTCMinutes(0, 0, 0);
      const { manageToken } = await confirmed({ start: start.toISOString() });
      h.clock.advance(start.getTime() - h.clock.now.getTime() - 86400_000); // exactly 24 h before

      expect(await codeOf(cancelBooking(h.deps, manageToken))).to.equal('CANCELLATION_DEADLINE_PASSED');
      expect(await codeOf(changeBooking(h.deps, { token: manageToken, start: aFreeHour().toISOString() }))).to.equal(
        'CANCELLATION_DEADLINE_PASSED',
      );
      expect(await getBooking(h.deps, manageToken)).to.include({ changeable: false });
    });

    it('when the practice shortens its cancellation deadline, then new bookings get the new one', async () => {
      await setSettings(h.pool, { cancellation_deadline_seconds: 3600 });
      const start = aFreeHour();
      const { manageToken } = await confirmed({ start: start.toISOString() });
      expect((await getBooking(h.deps, manageToken)).changeableUntil).to.equal(
        new Date(start.getTime() - 3600_000).toISOString(),
      );
    });

    it('when the appointment has started, then its manage link is no longer valid', async () => {
      const start = new Date(h.clock.now.getTime() + 3 * 3600_000);
      start.setUTCMinutes(0, 0, 0);
      const { manageToken } = await confirmed({ start: start.toISOString() });
      h.clock.advance(start.getTime() - h.clock.now.getTime());
      expect(await codeOf(getBooking(h.deps, manageToken))).to.equal('TOKEN_INVALID');
    });
  });

  describe('a fresh manage link for a reminder', () => {
    it('when a confirmed booking asks for one, then a new manage token opens it and the old one still works', async () => {
      const start = aFreeHour().toISOString();
      const { bookingId, manageToken } = await confirmed({ start });
      const reply = await issueManageToken(h.deps, bookingId);
      expect(reply).to.include({ status: 'confirmed', start });
      expect(reply.manageToken).to.have.length.of.at.least(43).and.not.equal(manageToken);
      expect(await getBooking(h.deps, reply.manageToken!)).to.include({ bookingId, start });
      expect(await getBooking(h.deps, manageToken)).to.include({ bookingId, start });
    });

    it('when the booking was cancelled or is only held, then the answer says so and carries no token', async () => {
      const { bookingId, manageToken } = await confirmed();
      await cancelBooking(h.deps, manageToken);
      expect((await issueManageToken(h.deps, bookingId)).manageToken).to.equal(null);
      expect(await issueManageToken(h.deps, bookingId)).to.include({ status: 'cancelled' });
      const held = await hold();
      expect(await issueManageToken(h.deps, held.bookingId)).to.include({ status: 'held', manageToken: null });
    });

    it('when the booking is unknown, then NOT_FOUND', async () => {
      expect(await codeOf(issueManageToken(h.deps, '00000000-0000-4000-8000-000000000000'))).to.equal('NOT_FOUND');
    });
  });

  it('when availability asks for active bookings, then held and confirmed ones come, expired and cancelled do not', async () => {
    h.clock.advance(86400_000);
    const from = aFreeHour();
    const heldOne = await hold({ start: from.toISOString() });
    const confirmedOne = await confirmed();
    const cancelledOne = await confirmed();
    await cancelBooking(h.deps, cancelledOne.manageToken);
    const lapsing = await hold();
    h.clock.advance(1000);
    const stillHeld = await hold();
    h.clock.advance(900_000 - 1000);

    const { bookings } = await listActive(h.deps, from.toISOString());
    const ids = bookings.map((b) => b.bookingId);
    expect(ids).to.include.members([confirmedOne.bookingId, stillHeld.bookingId]);
    expect(ids).to.not.include.members([heldOne.bookingId, cancelledOne.bookingId, lapsing.bookingId]);
    expect(bookings.find((b) => b.bookingId === stillHeld.bookingId)).to.include({ status: 'held' });
  });
});
