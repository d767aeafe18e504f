import { AppError, type OccupancyNotice, occupancyNoticeV1, placeHoldRequestV1 } from '@otk/contracts';
import { expect } from 'chai';
import type pg from 'pg';
import { noticingOccupancy } from '../src/data-access/occupancy-notices.js';
import { confirmBooking } from '../src/domain/confirm-booking.use-case.js';
import type { HoldManagerDeps } from '../src/domain/ports.js';
import { placeHold } from '../src/domain/place-hold.use-case.js';
import { withdrawHold } from '../src/domain/withdraw-hold.use-case.js';
import { aFreeHour, aPlaceHoldRequest, outboxEvents } from './support/practice.js';
import { holdWithToken, useCaseHarness } from './support/use-cases.js';

describe('hold-manager: occupancy notices after commit, on PostgreSQL', function () {
  this.timeout(30000);
  let h: Awaited<ReturnType<typeof useCaseHarness>>;
  let sent: OccupancyNotice[];
  let failing: boolean;
  let deps: HoldManagerDeps & { pool: pg.Pool };

  before(async () => {
    h = await useCaseHarness();
  });
  after(async () => {
    await h?.close();
  });
  beforeEach(() => {
    sent = [];
    failing = false;
    const send = async (notice: OccupancyNotice) => {
      if (failing) throw new AppError('UNAVAILABLE', 'no confirm from the broker');
      sent.push(notice);
    };
    deps = { ...h.deps, bookings: noticingOccupancy(h.deps.bookings, send, h.deps.logger) };
  });

  it('when a slot is held, then one notice follows the commit, with the occupancy of booking.held and no person', async () => {
    const start = aFreeHour();
    const reply = await placeHold(deps, placeHoldRequestV1.parse(aPlaceHoldRequest({ start: start.toISOString() })));
    const [held] = await outboxEvents(h.pool, 'booking.held', reply.bookingId);
    expect(sent).to.have.length(1);
    expect(occupancyNoticeV1.strict().parse(sent[0])).to.deep.equal({
      bookingId: reply.bookingId,
      status: 'held',
      practitionerId: held!.data.booking.practitionerId,
      occupants: held!.data.booking.occupants,
      occupiedFrom: held!.data.booking.occupiedFrom,
      occupiedUntil: held!.data.booking.occupiedUntil,
      expiresAt: reply.expiresAt,
      occurredAt: h.clock.now.toISOString(),
    });
  });

  it('when a slot is refused as taken, then no notice is sent', async () => {
    const start = aFreeHour().toISOString();
    await placeHold(deps, placeHoldRequestV1.parse(aPlaceHoldRequest({ start })));
    sent = [];
    const error = await placeHold(deps, placeHoldRequestV1.parse(aPlaceHoldRequest({ start }))).catch(
      (e: unknown) => e,
    );
    expect((error as AppError).code).to.equal('SLOT_TAKEN');
    expect(sent).to.deep.equal([]);
  });

  it('when a hold is confirmed, then a confirmed notice follows; when one is withdrawn, none', async () => {
    const confirmedHold = await holdWithToken(deps, aPlaceHoldRequest({ start: aFreeHour().toISOString() }));
    await confirmBooking(deps, confirmedHold.confirmToken);
    expect(sent.map((n) => [n.bookingId, n.status, n.expiresAt])).to.deep.equal([
      [confirmedHold.bookingId, 'held', sent[0]!.expiresAt],
      [confirmedHold.bookingId, 'confirmed', null],
    ]);
    const withdrawn = await holdWithToken(deps, aPlaceHoldRequest({ start: aFreeHour().toISOString() }));
    sent = [];
    await withdrawHold(deps, withdrawn.confirmToken);
    expect(sent).to.deep.equal([]);
  });

  it('when the broker takes no notice, then the hold is answered all the same and its event is in the outbox', async () => {
    failing = true;
    const reply = await placeHold(
      deps,
      placeHoldRequestV1.parse(aPlaceHoldRequest({ start: aFreeHour().toISOString() })),
    );
    expect(reply.status).to.equal('held');
    expect(await outboxEvents(h.pool, 'booking.held', reply.bookingId)).to.have.length(1);
  });
});
