import { AppError } from '@otk/contracts';
import { expect } from 'chai';
import { heldWithToken } from '../../../test/support/in-memory-bookings.js';
import {
  type WaitlistHarness,
  inMemoryWaitlistHarness,
  joined,
  waiting,
} from '../../../test/support/in-memory-waitlist.js';
import { hashToken } from '../token.js';
import { offerFreedSlot } from './offer-freed-slot.use-case.js';

const start = new Date('2031-01-10T09:00:00Z');
const freedAt = (at: Date, practitionerId = 'dr-a') => ({ practitionerId, start: at, timeZone: 'Europe/Zurich' });

describe('offering a freed slot to the waiting list', () => {
  let h: WaitlistHarness;
  beforeEach(() => {
    h = inMemoryWaitlistHarness();
  });
  const offersOf = (entryId: string) => h.waitlist.offersOf(entryId);

  it('when a time is freed, then the first waiting patients in order of joining are offered it, up to the practice number; the others stay waiting', async () => {
    const first = await waiting(h);
    const second = await waiting(h, { practitionerId: undefined });
    const third = await waiting(h);
    const fourth = await waiting(h);
    expect(await offerFreedSlot(h.deps, freedAt(start))).to.equal(3);
    for (const { entryId } of [first, second, third]) {
      expect(offersOf(entryId).map((o) => [o.status, o.practitionerId, o.start.toISOString()])).to.deep.equal([
        ['open', 'dr-a', start.toISOString()],
      ]);
    }
    expect(offersOf(fourth.entryId)).to.deep.equal([]);
    expect(h.waitlist.statusOf(fourth.entryId)).to.equal('waiting');
  });

  it('when an entry is offered a time, then the public event carries no link, and notification gets the offer link (until the start) and a leave link', async () => {
    const { entryId } = await waiting(h);
    await offerFreedSlot(h.deps, freedAt(start));
    const [offered] = h.waitlist.events('waitlist.offered', entryId);
    expect(offered?.offer).to.deep.include({ practitionerId: 'dr-a', start: start.toISOString() });
    expect(JSON.stringify(offered)).to.not.match(/Token/);
    const [notice] = h.waitlist.events('notice.waitlistOffered', entryId);
    expect(notice?.offer).to.deep.equal(offered?.offer);
    expect(await h.waitlist.findToken(hashToken(notice!.offerToken))).to.deep.equal({
      entryId,
      offerId: offered?.offer.offerId,
      purpose: 'offer',
      expiresAt: start,
    });
    expect(await h.waitlist.findToken(hashToken(notice!.leaveToken))).to.deep.include({ entryId, purpose: 'leave' });
  });

  it('when the same release comes again, then nobody is offered the same time twice', async () => {
    const { entryId } = await waiting(h);
    expect(await offerFreedSlot(h.deps, freedAt(start))).to.equal(1);
    expect(await offerFreedSlot(h.deps, freedAt(start))).to.equal(0);
    expect(offersOf(entryId)).to.have.length(1);
    expect(h.waitlist.events('waitlist.offered')).to.have.length(1);
  });

  it('when the freed time has begun, then nothing is asked and nobody is offered it', async () => {
    await waiting(h, { firstDay: '2026-06-01', lastDay: '2026-06-30' });
    h.clock.now = new Date('2026-06-01T10:00:00Z');
    const checks = h.calls.checkSlot;
    expect(await offerFreedSlot(h.deps, freedAt(h.clock.now))).to.equal(0);
    expect(h.calls.checkSlot).to.equal(checks);
    // Five minutes on, the same entry is offered the time.
    expect(await offerFreedSlot(h.deps, freedAt(new Date('2026-06-01T10:05:00Z')))).to.equal(1);
  });

  it('when the entry waits for another practitioner or other days, or is not yet confirmed, then it is not offered the time, and availability is not asked', async () => {
    await waiting(h, { practitionerId: 'dr-b' });
    await waiting(h, { firstDay: '2031-02-01', lastDay: '2031-02-28' });
    await waiting(h, { firstDay: '2031-01-11', lastDay: '2031-01-31' }); // 10:00 in Zurich is still the 10th
    const { entryId: pending } = await joined(h);
    expect(await offerFreedSlot(h.deps, freedAt(start))).to.equal(0);
    expect(offersOf(pending)).to.deep.equal([]);
    expect(h.calls.checkSlot).to.equal(0);
  });

  it('when the freed time is already taken again, then nobody is offered it', async () => {
    await waiting(h);
    await heldWithToken(h, { start: start.toISOString() });
    expect(await offerFreedSlot(h.deps, freedAt(start))).to.equal(0);
  });

  it('when the type an entry waits for does not fit the freed time, then that entry is skipped and the next one is offered it', async () => {
    const treatment = await waiting(h, { appointmentTypeId: 'treatment', visitKind: 'followup' });
    const checkup = await waiting(h);
    // A treatment (50 minutes plus buffers) would need the time of a check-up someone holds 35 minutes later.
    await heldWithToken(h, { start: new Date(start.getTime() + 35 * 60_000).toISOString() });
    expect(await offerFreedSlot(h.deps, freedAt(start))).to.equal(1);
    expect(offersOf(treatment.entryId)).to.deep.equal([]);
    expect(offersOf(checkup.entryId)).to.have.length(1);
  });

  it('when availability does not offer the kind of slot an entry waits for at that time, then that entry is skipped; each kind is asked for once', async () => {
    const treatment = await waiting(h, { appointmentTypeId: 'treatment', visitKind: 'followup' });
    const checkups = [await waiting(h), await waiting(h, { practitionerId: undefined })];
    const asked: string[] = [];
    const deps = {
      ...h.deps,
      checkSlot: async (request: Parameters<typeof h.deps.checkSlot>[0]) => {
        asked.push(request.appointmentTypeId);
        if (request.appointmentTypeId === 'treatment') throw new AppError('SLOT_NOT_OFFERED', 'not at this time');
        return h.deps.checkSlot(request);
      },
    };
    expect(await offerFreedSlot(deps, freedAt(start))).to.equal(2);
    expect(asked.sort()).to.deep.equal(['checkup', 'treatment']);
    expect(offersOf(treatment.entryId)).to.deep.equal([]);
    expect(checkups.map(({ entryId }) => offersOf(entryId).length)).to.deep.equal([1, 1]);
  });

  it('when availability fails otherwise, then the error passes and nobody is offered the time', async () => {
    await waiting(h);
    const deps = { ...h.deps, checkSlot: () => Promise.reject(new AppError('TIMEOUT', 'no answer')) };
    const failure = await offerFreedSlot(deps, freedAt(start)).catch((e: unknown) => e);
    expect(failure).to.be.instanceOf(AppError).and.to.include({ code: 'TIMEOUT' });
    expect(h.waitlist.events('waitlist.offered')).to.deep.equal([]);
  });
});
