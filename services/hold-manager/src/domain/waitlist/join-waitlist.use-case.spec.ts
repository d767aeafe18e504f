import type { AppError } from '@otk/contracts';
import { joinWaitlistRequestV1 } from '@otk/contracts';
import { expect } from 'chai';
import {
  type WaitlistHarness,
  inMemoryWaitlistHarness,
  joined,
  waiting,
} from '../../../test/support/in-memory-waitlist.js';
import { aJoinRequest } from '../../../test/support/waitlist.js';
import { hashToken } from '../token.js';
import { leaveWaitlist } from './confirm-and-leave-waitlist.use-case.js';
import { joinWaitlist } from './join-waitlist.use-case.js';
import { refusalOf } from '../../../test/support/refusal.js';

describe('joining the waiting list', () => {
  let h: WaitlistHarness;
  beforeEach(() => {
    h = inMemoryWaitlistHarness();
  });
  const join = (overrides: Parameters<typeof aJoinRequest>[0] = {}) =>
    joinWaitlist(h.deps, joinWaitlistRequestV1.parse(aJoinRequest(overrides)));

  it('when a patient joins, then the entry is pending until the confirmation window closes, and only notification gets the confirm link', async () => {
    const reply = await join({ visitKind: 'first' });
    const confirmBy = new Date(h.clock.now.getTime() + 900_000);
    expect(reply).to.deep.include({ status: 'pending', confirmBy: confirmBy.toISOString() });
    expect(h.waitlist.statusOf(reply.entryId)).to.equal('pending');
    const [notice] = h.waitlist.events('notice.waitlistJoined', reply.entryId);
    expect(notice?.confirmBy).to.equal(confirmBy.toISOString());
    expect(notice?.entry).to.deep.include({
      status: 'pending',
      appointmentTypeName: { de: 'Kontrolle', en: 'Check-up' },
      practitionerId: 'dr-a',
      practitionerName: 'Dr. A',
      visitKind: 'first',
      firstDay: '2031-01-01',
      lastDay: '2031-01-31',
      timeZone: 'Europe/Zurich',
    });
    expect(await h.waitlist.findToken(hashToken(notice!.confirmToken))).to.deep.equal({
      entryId: reply.entryId,
      offerId: undefined,
      purpose: 'confirm',
      expiresAt: confirmBy,
    });
    expect(await h.waitlist.findToken(notice!.confirmToken)).to.equal(undefined);
  });

  it('when the practice has changed its confirmation window, then a new entry gets the new one', async () => {
    h.bookings.set({ confirmationWindowSeconds: 1800 });
    const reply = await join();
    expect(reply.confirmBy).to.equal(new Date(h.clock.now.getTime() + 1_800_000).toISOString());
  });

  it('when any practitioner will do, then the entry names none and waits for whoever offers the type', async () => {
    const { entryId } = await joined(h, { practitionerId: undefined });
    expect(await h.waitlist.findEntry(entryId)).to.deep.include({
      practitionerId: undefined,
      practitionerName: undefined,
    });
    const [notice] = h.waitlist.events('notice.waitlistJoined', entryId);
    expect(notice?.entry).to.deep.include({ practitionerId: null, practitionerName: null });
  });

  it('when the type, the practitioner or their pairing is not in the catalogue, then the code says which and nothing is recorded', async () => {
    expect((await refusalOf(join({ appointmentTypeId: 'massage' }))).code).to.equal('APPOINTMENT_TYPE_UNKNOWN');
    expect((await refusalOf(join({ practitionerId: 'dr-z' }))).code).to.equal('PRACTITIONER_UNKNOWN');
    expect((await refusalOf(join({ appointmentTypeId: 'treatment', practitionerId: 'dr-b' }))).code).to.equal(
      'PRACTITIONER_NOT_OFFERING_TYPE',
    );
    expect(h.waitlist.counts.transactions).to.equal(0);
  });

  it('when the range is over, reversed or longer than 62 days, then DATE_RANGE_INVALID and nothing is recorded', async () => {
    expect((await refusalOf(join({ firstDay: '2026-05-01', lastDay: '2026-05-31' }))).code).to.equal(
      'DATE_RANGE_INVALID',
    );
    expect((await refusalOf(join({ firstDay: '2031-01-10', lastDay: '2031-01-09' }))).code).to.equal(
      'DATE_RANGE_INVALID',
    );
    expect((await refusalOf(join({ firstDay: '2031-01-01', lastDay: '2031-03-04' }))).code).to.equal(
      'DATE_RANGE_INVALID',
    );
    expect(h.waitlist.counts.transactions).to.equal(0);
  });

  it('when the range began in the past, then the entry waits from today and expires at the end of its last day in the practice zone', async () => {
    const { entryId } = await joined(h, { firstDay: '2026-05-20', lastDay: '2026-06-30' });
    expect(await h.waitlist.findEntry(entryId)).to.deep.include({
      firstDay: '2026-06-01',
      lastDay: '2026-06-30',
      endsAt: new Date('2026-06-30T22:00:00Z'),
    });
  });

  it('when a contact has its limit of places, then TOO_MANY_WAITLIST_ENTRIES, whatever the case of the address; places that left the list or lapsed do not count', async () => {
    const patient = aJoinRequest().patient;
    const { leaveToken } = await waiting(h, { patient });
    await waiting(h, { patient });
    await join({ patient: { ...patient, email: patient.email!.toUpperCase() } });
    const refusal = await refusalOf(join({ patient }));
    expect(refusal).to.deep.include({ code: 'TOO_MANY_WAITLIST_ENTRIES', details: { limit: 3, scope: 'contact' } });
    await leaveWaitlist(h.deps, leaveToken);
    expect((await join({ patient })).status).to.equal('pending');
    expect((await refusalOf(join({ patient }))).code).to.equal('TOO_MANY_WAITLIST_ENTRIES');
    // Pending places lapse unconfirmed at the end of the confirmation window.
    h.clock.advance(900_000);
    expect((await join({ patient })).status).to.equal('pending');
  });

  it('when a client address has its limit of places, then TOO_MANY_WAITLIST_ENTRIES for it, not for other addresses', async () => {
    h.deps.limits = { ...h.deps.limits, maxEntriesPerClient: 2 };
    await join({ clientAddress: '192.0.2.1' });
    await join({ clientAddress: '192.0.2.1' });
    expect((await refusalOf(join({ clientAddress: '192.0.2.1' }))).details).to.deep.equal({
      limit: 2,
      scope: 'client',
    });
    expect((await join({ clientAddress: '192.0.2.2' })).status).to.equal('pending');
    expect((await join()).status).to.equal('pending');
  });

  it('when one contact joins five times at once, then three places are recorded and two are refused', async () => {
    const patient = aJoinRequest().patient;
    const outcomes = await Promise.all(
      Array.from({ length: 5 }, () =>
        join({ patient }).then(
          (r) => r.status,
          (e: AppError) => e.code,
        ),
      ),
    );
    expect(outcomes.filter((o) => o === 'pending')).to.have.length(3);
    expect(outcomes.filter((o) => o === 'TOO_MANY_WAITLIST_ENTRIES')).to.have.length(2);
    expect(h.waitlist.events('notice.waitlistJoined')).to.have.length(3);
  });
});
