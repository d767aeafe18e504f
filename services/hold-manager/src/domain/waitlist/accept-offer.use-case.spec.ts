import { AppError } from '@otk/contracts';
import { expect } from 'chai';
import { heldWithToken } from '../../../test/support/in-memory-bookings.js';
import { type WaitlistHarness, inMemoryWaitlistHarness, waiting } from '../../../test/support/in-memory-waitlist.js';
import { acceptOffer, getOffer } from './accept-offer.use-case.js';
import { leaveWaitlist } from './confirm-and-leave-waitlist.use-case.js';
import { offerFreedSlot } from './offer-freed-slot.use-case.js';
import { refusalOf } from '../../../test/support/refusal.js';

const start = new Date('2031-01-10T09:00:00Z');
const freed = { practitionerId: 'dr-a', start, timeZone: 'Europe/Zurich' };

describe('taking an offered slot from the waiting list', () => {
  let h: WaitlistHarness;
  beforeEach(() => {
    h = inMemoryWaitlistHarness();
  });
  /** A waiting patient offered the freed time: their entry and offer link. */
  const offered = async () => {
    const { entryId, leaveToken } = await waiting(h);
    await offerFreedSlot(h.deps, freed);
    const [offer] = h.waitlist.tokensOf(entryId).offers.slice(-1);
    if (!offer) throw new Error(`no offer for ${entryId}`);
    return { entryId, leaveToken, ...offer };
  };

  it('when the offer link is opened, then it shows the slot, open, and that the patient is on the list', async () => {
    const { token, offerId } = await offered();
    expect(await getOffer(h.deps, token)).to.deep.equal({
      offerId,
      appointmentTypeId: 'checkup',
      appointmentTypeName: { de: 'Kontrolle', en: 'Check-up' },
      practitionerId: 'dr-a',
      practitionerName: 'Dr. A',
      timeZone: 'Europe/Zurich',
      start: start.toISOString(),
      end: new Date(start.getTime() + 30 * 60_000).toISOString(),
      state: 'open',
      onList: true,
      language: 'de',
    });
  });

  it('when the patient takes the offer, then the booking is held and confirmed at once (manage link, no confirm link) and the entry leaves the list as booked', async () => {
    const { entryId, token } = await offered();
    const reply = await acceptOffer(h.deps, { token, clientAddress: '198.51.100.7' });
    expect(reply).to.deep.include({ status: 'confirmed', alreadyBooked: false });
    expect(h.bookings.statusOf(reply.bookingId)).to.equal('confirmed');
    expect(h.bookings.events('booking.held', reply.bookingId).map((e) => e.booking.status)).to.deep.equal(['held']);
    expect(h.bookings.events('notice.bookingHeld', reply.bookingId)).to.deep.equal([]);
    const [confirmed] = h.bookings.events('notice.bookingConfirmed', reply.bookingId);
    expect(confirmed?.booking).to.deep.include({ status: 'confirmed', start: start.toISOString() });
    expect(confirmed?.booking.patient.email).to.match(/^wanda\./);
    expect(confirmed?.manageToken).to.have.length.of.at.least(43);
    expect(h.waitlist.statusOf(entryId)).to.equal('booked');
    expect(await getOffer(h.deps, token)).to.include({ state: 'booked', onList: false });
  });

  it('when the offer link is clicked again after booking, then the same booking comes back and nothing more is booked', async () => {
    const { token } = await offered();
    const first = await acceptOffer(h.deps, { token });
    const checks = h.calls.checkSlot;
    expect(await acceptOffer(h.deps, { token })).to.deep.equal({ ...first, alreadyBooked: true });
    expect(h.calls.checkSlot).to.equal(checks);
    expect(h.bookings.events('booking.confirmed')).to.have.length(1);
  });

  it('when the offer link is opened twice at the same moment, then both requests answer with the one booking and the offer is accepted', async () => {
    const { entryId, token } = await offered();
    const replies = await Promise.all([acceptOffer(h.deps, { token }), acceptOffer(h.deps, { token })]);
    const [booked] = h.bookings.events('booking.confirmed');
    expect(replies.map((r) => r.bookingId)).to.deep.equal([booked?.booking.bookingId, booked?.booking.bookingId]);
    expect(replies.map((r) => r.alreadyBooked).sort()).to.deep.equal([false, true]);
    expect(h.bookings.events('booking.confirmed')).to.have.length(1);
    expect(h.waitlist.statusOf(entryId)).to.equal('booked');
    expect(h.waitlist.offersOf(entryId).map((o) => o.status)).to.deep.equal(['accepted']);
  });

  it('when the twin request books between the reads of the offer and of its entry, then the other still answers with that booking', async () => {
    const { entryId, token } = await offered();
    // The first request reads the offer (open), then its twin books and finishes, then the entry is read.
    const findEntry = h.waitlist.findEntry.bind(h.waitlist);
    let twin: ReturnType<typeof acceptOffer> | undefined;
    h.waitlist.findEntry = async (id) => {
      h.waitlist.findEntry = findEntry;
      twin = acceptOffer(h.deps, { token });
      await twin;
      return findEntry(id);
    };
    const reply = await acceptOffer(h.deps, { token });
    expect(await twin).to.deep.include({ status: 'confirmed', alreadyBooked: false });
    expect(reply).to.deep.equal({ ...(await twin), alreadyBooked: true });
    expect(h.bookings.events('booking.confirmed')).to.have.length(1);
    expect(h.waitlist.offersOf(entryId).map((o) => o.status)).to.deep.equal(['accepted']);
  });

  it('when recording the booked entry failed after the booking, then the next click finds the booking and finishes', async () => {
    const { entryId, token } = await offered();
    h.waitlist.failNextTransaction = new Error('connection lost');
    const failed = await acceptOffer(h.deps, { token }).catch((e: unknown) => e);
    expect(failed).to.be.instanceOf(Error).and.to.include({ message: 'connection lost' });
    expect(h.waitlist.statusOf(entryId)).to.equal('waiting');
    const [booked] = h.bookings.events('booking.confirmed');
    const again = await acceptOffer(h.deps, { token });
    expect(again).to.deep.equal({ bookingId: booked?.booking.bookingId, status: 'confirmed', alreadyBooked: true });
    expect(h.waitlist.statusOf(entryId)).to.equal('booked');
    expect(h.bookings.events('booking.confirmed')).to.have.length(1);
  });

  it('when another offered patient took the slot first, then OFFER_GONE, the offer is gone and the patient stays on the list', async () => {
    const first = await offered();
    const second = await offered();
    await acceptOffer(h.deps, { token: first.token });
    const refusal = await refusalOf(acceptOffer(h.deps, { token: second.token }));
    expect(refusal).to.deep.include({ code: 'OFFER_GONE', details: { onList: true } });
    expect(h.waitlist.statusOf(second.entryId)).to.equal('waiting');
    expect(await getOffer(h.deps, second.token)).to.include({ state: 'gone', onList: true });
    const checks = h.calls.checkSlot;
    expect((await refusalOf(acceptOffer(h.deps, { token: second.token }))).code).to.equal('OFFER_GONE');
    expect(h.calls.checkSlot).to.equal(checks);
  });

  it('when someone booked the time on the booking site meanwhile, then OFFER_GONE and the patient stays on the list', async () => {
    const { entryId, token } = await offered();
    await heldWithToken(h, { start: start.toISOString() });
    expect((await refusalOf(acceptOffer(h.deps, { token }))).details).to.deep.equal({ onList: true });
    expect(h.waitlist.offersOf(entryId).map((o) => o.status)).to.deep.equal(['gone']);
    expect(h.bookings.events('booking.confirmed')).to.deep.equal([]);
  });

  it('when the practice calendar filled the time or it is no longer offered, then OFFER_GONE', async () => {
    for (const refusal of [
      new AppError('SLOT_NOT_OFFERED', 'busy', { reason: 'busy' }),
      new AppError('SLOT_NOT_OFFERED', 'no longer offered'),
    ]) {
      const { entryId, token } = await offered();
      const deps = { ...h.deps, checkSlot: () => Promise.reject(refusal) };
      expect((await refusalOf(acceptOffer(deps, { token }))).code).to.equal('OFFER_GONE');
      expect(h.waitlist.offersOf(entryId).map((o) => o.status)).to.deep.equal(['gone']);
    }
  });

  it('when availability cannot be asked, then the error passes and the offer stays open to try again', async () => {
    const { entryId, token } = await offered();
    const deps = { ...h.deps, checkSlot: () => Promise.reject(new AppError('TIMEOUT', 'no answer')) };
    expect((await refusalOf(acceptOffer(deps, { token }))).code).to.equal('TIMEOUT');
    expect(h.waitlist.offersOf(entryId).map((o) => o.status)).to.deep.equal(['open']);
    expect((await acceptOffer(h.deps, { token })).status).to.equal('confirmed');
  });

  it('when the patient left the list, then OFFER_GONE says they are not on it, and nothing is booked', async () => {
    const { token, leaveToken } = await offered();
    await leaveWaitlist(h.deps, leaveToken);
    expect((await refusalOf(acceptOffer(h.deps, { token }))).details).to.deep.equal({ onList: false });
    expect(h.bookings.events('booking.held')).to.deep.equal([]);
  });

  it('when the link is not an offer link, or the slot has begun, then TOKEN_INVALID', async () => {
    const { entryId, token } = await offered();
    const [leaveToken] = h.waitlist.tokensOf(entryId).leave;
    expect((await refusalOf(acceptOffer(h.deps, { token: leaveToken! }))).code).to.equal('TOKEN_INVALID');
    expect((await refusalOf(getOffer(h.deps, 'x'.repeat(43)))).code).to.equal('TOKEN_INVALID');
    h.clock.now = start;
    expect((await refusalOf(getOffer(h.deps, token))).code).to.equal('TOKEN_INVALID');
    expect((await refusalOf(acceptOffer(h.deps, { token }))).code).to.equal('TOKEN_INVALID');
  });
});
