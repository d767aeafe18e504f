import { AppError } from '@otk/contracts';
import { expect } from 'chai';
import {
  type WaitlistHarness,
  inMemoryWaitlistHarness,
  joined,
  waiting,
} from '../../../test/support/in-memory-waitlist.js';
import { hashToken } from '../token.js';
import { acceptOffer, getOffer } from './accept-offer.use-case.js';
import { confirmWaitlistEntry, leaveWaitlist } from './confirm-and-leave-waitlist.use-case.js';
import { offerFreedSlot } from './offer-freed-slot.use-case.js';
import { removeFromWaitlist } from './staff-waitlist.use-case.js';

const codeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => 'accepted',
    (error: unknown) => (error instanceof AppError ? error.code : Promise.reject(error)),
  );

const freed = { practitionerId: 'dr-a', start: new Date('2031-01-10T09:00:00Z'), timeZone: 'Europe/Zurich' };

describe('confirming and leaving a place on the waiting list', () => {
  let h: WaitlistHarness;
  beforeEach(() => {
    h = inMemoryWaitlistHarness();
  });

  it('when the confirm link is used, then the entry waits and the leave link goes out; a second click says already confirmed and sends nothing', async () => {
    const { entryId, confirmToken } = await joined(h);
    expect(await confirmWaitlistEntry(h.deps, confirmToken)).to.deep.equal({
      entryId,
      status: 'waiting',
      alreadyConfirmed: false,
    });
    expect(h.waitlist.statusOf(entryId)).to.equal('waiting');
    const [notice] = h.waitlist.events('notice.waitlistConfirmed', entryId);
    expect(notice?.entry.status).to.equal('waiting');
    const leave = await h.waitlist.findToken(hashToken(notice!.leaveToken));
    expect(leave).to.deep.include({ entryId, purpose: 'leave' });
    expect(leave?.expiresAt).to.deep.equal((await h.waitlist.findEntry(entryId))?.endsAt);
    expect(await confirmWaitlistEntry(h.deps, confirmToken)).to.include({ alreadyConfirmed: true });
    expect(h.waitlist.events('notice.waitlistConfirmed', entryId)).to.have.length(1);
  });

  it('when the confirm link is used at the end of the confirmation window, then HOLD_EXPIRED and the entry stays expired', async () => {
    const { entryId, confirmToken } = await joined(h);
    h.clock.advance(900_000 - 1);
    const inTime = await joined(h);
    h.clock.advance(1);
    expect(await codeOf(confirmWaitlistEntry(h.deps, confirmToken))).to.equal('HOLD_EXPIRED');
    expect(h.waitlist.statusOf(entryId)).to.equal('expired');
    expect(await codeOf(confirmWaitlistEntry(h.deps, confirmToken))).to.equal('HOLD_EXPIRED');
    expect(h.waitlist.events('notice.waitlistConfirmed', entryId)).to.deep.equal([]);
    expect((await confirmWaitlistEntry(h.deps, inTime.confirmToken)).status).to.equal('waiting');
  });

  it('when staff removed the pending entry, then its confirm link gets ILLEGAL_TRANSITION naming the status', async () => {
    const { entryId, confirmToken } = await joined(h);
    await removeFromWaitlist(h.deps, { entryId, reason: 'called in' });
    const refusal = await confirmWaitlistEntry(h.deps, confirmToken).catch((e: unknown) => e);
    expect(refusal)
      .to.be.instanceOf(AppError)
      .and.to.deep.include({
        code: 'ILLEGAL_TRANSITION',
        details: { status: 'removed' },
      });
  });

  it('when the entry was booked through an offer, then its confirm link says already confirmed and its leave link says booked', async () => {
    const { entryId, confirmToken } = await joined(h);
    await confirmWaitlistEntry(h.deps, confirmToken);
    await offerFreedSlot(h.deps, freed);
    const [offer] = h.waitlist.tokensOf(entryId).offers;
    await acceptOffer(h.deps, { token: offer!.token });
    expect(await confirmWaitlistEntry(h.deps, confirmToken)).to.include({ alreadyConfirmed: true });
    const [leaveToken] = h.waitlist.tokensOf(entryId).leave;
    expect(await leaveWaitlist(h.deps, leaveToken!)).to.deep.equal({ entryId, status: 'booked' });
    expect(h.waitlist.statusOf(entryId)).to.equal('booked');
  });

  it('when the patient leaves, then the entry has left and its open offers are gone; a second click says left', async () => {
    const { entryId, leaveToken } = await waiting(h);
    await offerFreedSlot(h.deps, freed);
    const [offer] = h.waitlist.tokensOf(entryId).offers;
    expect(await leaveWaitlist(h.deps, leaveToken)).to.deep.equal({ entryId, status: 'left' });
    expect(h.waitlist.statusOf(entryId)).to.equal('left');
    expect(await getOffer(h.deps, offer!.token)).to.include({ state: 'gone', onList: false });
    expect(await leaveWaitlist(h.deps, leaveToken)).to.deep.equal({ entryId, status: 'left' });
  });

  it('when staff removed the entry, then the leave link says removed and changes nothing', async () => {
    const { entryId, leaveToken } = await waiting(h);
    await removeFromWaitlist(h.deps, { entryId, reason: 'booked by phone' });
    expect(await leaveWaitlist(h.deps, leaveToken)).to.deep.equal({ entryId, status: 'removed' });
    expect(h.waitlist.statusOf(entryId)).to.equal('removed');
  });

  it('when a link is unknown or meant for the other step, then TOKEN_INVALID; a leave link past the end of the range too', async () => {
    const { entryId, confirmToken } = await joined(h, { firstDay: '2026-06-01', lastDay: '2026-06-01' });
    await confirmWaitlistEntry(h.deps, confirmToken);
    const [leaveToken] = h.waitlist.tokensOf(entryId).leave;
    expect(await codeOf(confirmWaitlistEntry(h.deps, leaveToken!))).to.equal('TOKEN_INVALID');
    expect(await codeOf(leaveWaitlist(h.deps, confirmToken))).to.equal('TOKEN_INVALID');
    expect(await codeOf(confirmWaitlistEntry(h.deps, 'x'.repeat(43)))).to.equal('TOKEN_INVALID');
    expect(await codeOf(leaveWaitlist(h.deps, 'x'.repeat(43)))).to.equal('TOKEN_INVALID');
    h.clock.now = new Date('2026-06-01T22:00:00Z');
    expect(await codeOf(leaveWaitlist(h.deps, leaveToken!))).to.equal('TOKEN_INVALID');
    expect(h.waitlist.statusOf(entryId)).to.equal('waiting');
  });
});
