import { randomBytes, randomInt } from 'node:crypto';
import { createPool } from '@otk/db';
import { waitFor } from '@otk/test-kit';
import { expect } from 'chai';
import type pg from 'pg';
import { AdminClient, createStaffAccount } from '../support/admin-client.js';
import { startDemoStack } from '../support/demo-stack.js';
import { listenForLinkTokens } from '../support/link-tokens.js';
import { type OfferedSlot, aHoldRequest, offeredSlots, postJson } from '../support/factories.js';
import type { Stack } from '../support/stack.js';

/** Every schema a service owns. */
const serviceSchemas = ['gateway', 'availability', 'hold_manager', 'notification', 'pixelmedics_sync'];

/**
 * Rows of every table of every service's schema whose text holds one of `needles`. The built-in
 * practice system's tables (pms_*) stand for the practice's own record, which keeps the patient.
 */
async function rowsMentioning(pool: pg.Pool, needles: string[]): Promise<Record<string, number>> {
  const { rows: tables } = await pool.query<{ table_schema: string; table_name: string }>(
    `SELECT table_schema, table_name FROM information_schema.tables
      WHERE table_type = 'BASE TABLE' AND table_schema = ANY($1)
        AND NOT (table_schema = 'pixelmedics_sync' AND table_name LIKE 'pms\\_%')`,
    [serviceSchemas],
  );
  const found: Record<string, number> = {};
  for (const { table_schema: schema, table_name: table } of tables) {
    const { rows } = await pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM "${schema}"."${table}" AS r WHERE r::text ILIKE ANY($1)`,
      [needles.map((needle) => `%${needle}%`)],
    );
    if (rows[0]!.n > 0) found[`${schema}.${table}`] = rows[0]!.n;
  }
  return found;
}

describe('patient data: staff export everything stored about one patient and erase it on request, both audited', function () {
  this.timeout(240000);
  let stack: Stack;
  let pool: pg.Pool;
  let admin: AdminClient;
  let staff: AdminClient;
  const adminEmail = 'admin@practice.test';
  const staffEmail = 'reception@practice.test';
  const tag = randomBytes(4).toString('hex');
  const patient = {
    firstName: 'Erika',
    lastName: `Loeschbar${tag}`,
    birthDate: `19${randomInt(50, 99)}-0${randomInt(1, 9)}-1${randomInt(0, 9)}`,
    email: `erika.${tag}@example.ch`,
    phone: `+4179${randomInt(1000000, 9999999)}`,
    street: `Gartenweg ${tag}`,
  };
  const personalData = [patient.lastName, patient.email, patient.phone, patient.birthDate, patient.street];
  /** The first booking is cancelled at once; the second stays confirmed until a test cancels it. */
  let pastBooking: string;
  let openBooking: string;
  let otherPatientsBooking: string;

  const book = async (slot: OfferedSlot, who: Record<string, string>): Promise<string> => {
    const links = await listenForLinkTokens(stack.env.AMQP_URL!);
    try {
      const hold = await postJson(`${stack.gatewayUrl}/api/v1/holds`, aHoldRequest(slot, { patient: who }));
      expect(hold.status, JSON.stringify(hold.body)).to.equal(201);
      const bookingId = hold.body.bookingId as string;
      const confirmed = await postJson(`${stack.gatewayUrl}/api/v1/bookings/confirm`, {
        token: await links.confirmTokenOf(bookingId),
      });
      expect(confirmed.status).to.equal(200);
      return bookingId;
    } finally {
      await links.stop();
    }
  };

  /** Waits until the cancellation of each booking was sent to the patient and applied in the practice calendar. */
  const settled = (bookingIds: string[]) =>
    waitFor(
      async () => {
        const { rows } = await pool.query<{ messages: number; open_jobs: number; done_jobs: number }>(
          `SELECT (SELECT count(*)::int FROM notification.message_log
                    WHERE booking_id = ANY($1) AND kind = 'cancellation' AND audience = 'patient' AND status = 'sent') AS messages,
                  (SELECT count(*)::int FROM pixelmedics_sync.sync_jobs WHERE booking_id = ANY($1) AND status <> 'done') AS open_jobs,
                  (SELECT count(*)::int FROM pixelmedics_sync.sync_jobs WHERE booking_id = ANY($1) AND event_type = 'booking.cancelled') AS done_jobs`,
          [bookingIds],
        );
        const row = rows[0]!;
        return row.messages === bookingIds.length && row.open_jobs === 0 && row.done_jobs === bookingIds.length
          ? true
          : undefined;
      },
      { timeoutMs: 30000, what: 'the cancellations to reach the patient and the practice calendar' },
    );

  before(async () => {
    stack = await startDemoStack({ env: { ADMIN_COOKIE_SECURE: 'false', TRUST_PROXY_HOPS: '1' } });
    pool = createPool({ connectionString: stack.env.DATABASE_URL!, applicationName: 'test' });
    const adminPassword = await createStaffAccount(stack, adminEmail, 'admin');
    const staffPassword = await createStaffAccount(stack, staffEmail, 'staff');
    admin = new AdminClient(stack.gatewayUrl, '198.51.100.10');
    staff = new AdminClient(stack.gatewayUrl, '198.51.100.20');
    expect((await admin.signIn(adminEmail, adminPassword)).status).to.equal(200);
    expect((await staff.signIn(staffEmail, staffPassword)).status).to.equal(200);

    const slots = await offeredSlots(stack.gatewayUrl, { appointmentType: 'checkup', practitioner: 'dr-muster' });
    const [first, second, third] = slots.slice(-3);
    // The same patient twice: the second time with the name typed in other case, as people do.
    pastBooking = await book(first!, patient);
    openBooking = await book(second!, { ...patient, lastName: patient.lastName.toUpperCase() });
    otherPatientsBooking = await book(third!, aHoldRequest().patient);
    const cancelled = await staff.request('POST', `/bookings/${pastBooking}/cancel`, { reason: 'patient moved' });
    expect(cancelled.status).to.equal(200);
    await settled([pastBooking]);
  });

  after(async () => {
    await pool?.end();
    await stack?.stop();
  });

  it('when staff export the patient of a booking, then the JSON has all their bookings with history and consent, the messages sent and the sync jobs, and is not kept by the browser', async () => {
    const answer = await staff.request('GET', `/bookings/${pastBooking}/patient/export`);
    expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
    expect(answer.headers.get('cache-control')).to.equal('no-store');
    expect(answer.headers.get('content-disposition')).to.equal(
      `attachment; filename="patient-data-${pastBooking}.json"`,
    );
    const body = answer.body as {
      matchedBy: string;
      holdManager: {
        bookings: {
          bookingId: string;
          status: string;
          patient: Record<string, string>;
          history: { what: string }[];
          consent: { acceptedAt: string; privacyPolicyVersion: string };
          createdAt: string;
        }[];
      };
      notification: { messages: { bookingId: string; kind: string; audience: string; recipient: string | null }[] };
      pixelmedicsSync: { syncJobs: { bookingId: string; eventType: string; data: unknown }[] };
    };
    expect(body.matchedBy).to.equal('name-and-birth-date');
    const bookings = body.holdManager.bookings;
    expect(bookings.map((b) => b.bookingId).sort()).to.deep.equal([pastBooking, openBooking].sort());
    const past = bookings.find((b) => b.bookingId === pastBooking)!;
    expect(past.status).to.equal('cancelled');
    expect(past.patient).to.include({ email: patient.email, phone: patient.phone, birthDate: patient.birthDate });
    expect(past.history.map((h) => h.what)).to.deep.equal(['held', 'confirmed', 'cancelled']);
    // Consent (F7): the time it was given and the privacy-policy version the patient was shown.
    expect(past.consent.privacyPolicyVersion).to.equal('2026-01');
    expect(Math.abs(Date.parse(past.consent.acceptedAt) - Date.parse(past.createdAt))).to.be.below(1000);
    const kinds = body.notification.messages
      .filter((m) => m.bookingId === pastBooking && m.audience === 'patient')
      .map((m) => m.kind);
    expect(kinds).to.include.members(['provisional-request', 'confirmation', 'cancellation']);
    expect(body.notification.messages.filter((m) => m.audience === 'patient').map((m) => m.recipient)).to.satisfy(
      (recipients: string[]) => recipients.every((r) => r === patient.email),
    );
    const jobs = body.pixelmedicsSync.syncJobs.filter((j) => j.bookingId === pastBooking).map((j) => j.eventType);
    expect(jobs).to.include.members(['booking.held', 'booking.confirmed', 'booking.cancelled']);
    expect(JSON.stringify(body)).not.to.include(otherPatientsBooking);
  });

  it('when the patient still has an appointment to come, then erasure is refused with 409 ERASURE_BLOCKED naming it and nothing is erased', async () => {
    const answer = await admin.request('POST', `/bookings/${pastBooking}/patient/erase`, { confirm: 'erase' });
    expect(answer.status, JSON.stringify(answer.body)).to.equal(409);
    expect(answer.body.code).to.equal('ERASURE_BLOCKED');
    expect(answer.body.details).to.deep.equal({ reason: 'active-bookings', bookingIds: [openBooking] });
    const { rows } = await pool.query('SELECT 1 FROM hold_manager.bookings WHERE id = $1', [pastBooking]);
    expect(rows).to.have.length(1);
  });

  it('when erasure comes without a session, from staff, without the CSRF header or without the confirmation, then it is refused and nothing is erased', async () => {
    const path = `/bookings/${pastBooking}/patient/erase`;
    const anonymous = await new AdminClient(stack.gatewayUrl, '198.51.100.30').request('POST', path, {
      confirm: 'erase',
    });
    expect([anonymous.status, anonymous.body.code]).to.deep.equal([401, 'UNAUTHENTICATED']);
    const byStaff = await staff.request('POST', path, { confirm: 'erase' });
    expect([byStaff.status, byStaff.body.code]).to.deep.equal([403, 'FORBIDDEN']);
    const withoutCsrf = await admin.request('POST', path, { confirm: 'erase' }, { csrf: false });
    expect([withoutCsrf.status, withoutCsrf.body.code]).to.deep.equal([403, 'CSRF_FAILED']);
    for (const body of [{}, { confirm: true }, { confirm: 'yes' }]) {
      const unconfirmed = await admin.request('POST', path, body);
      expect([unconfirmed.status, unconfirmed.body.code], JSON.stringify(body)).to.deep.equal([
        400,
        'VALIDATION_FAILED',
      ]);
    }
    const exportWithoutSession = await new AdminClient(stack.gatewayUrl, '198.51.100.31').request(
      'GET',
      `/bookings/${pastBooking}/patient/export`,
    );
    expect(exportWithoutSession.status).to.equal(401);
    const exportWithoutCsrf = await staff.request('GET', `/bookings/${pastBooking}/patient/export`, undefined, {
      csrf: false,
    });
    expect(exportWithoutCsrf.status).to.equal(403);
    const unknown = await admin.request('POST', '/bookings/00000000-0000-4000-8000-000000000000/patient/erase', {
      confirm: 'erase',
    });
    expect([unknown.status, unknown.body.code]).to.deep.equal([404, 'NOT_FOUND']);
    const { rows } = await pool.query('SELECT 1 FROM hold_manager.bookings WHERE id = ANY($1)', [
      [pastBooking, openBooking],
    ]);
    expect(rows).to.have.length(2);
  });

  it('when an admin erases the patient once their last appointment is cancelled, then no service keeps their name, e-mail, phone, birth date or address, and other patients keep theirs', async () => {
    const before = await rowsMentioning(pool, personalData);
    expect(Object.keys(before), 'the patient is there before').to.include.members([
      'hold_manager.bookings',
      'notification.message_log',
      'pixelmedics_sync.sync_jobs',
    ]);
    expect((await staff.request('POST', `/bookings/${openBooking}/cancel`, { reason: 'erasure' })).status).to.equal(
      200,
    );
    await settled([pastBooking, openBooking]);

    const answer = await admin.request('POST', `/bookings/${openBooking}/patient/erase`, { confirm: 'erase' });
    expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
    expect((answer.body.bookingIds as string[]).sort()).to.deep.equal([pastBooking, openBooking].sort());
    expect(answer.body.alreadyErased).to.equal(false);
    const erased = answer.body.erased as Record<string, Record<string, number>>;
    expect(erased.holdManager!.bookings).to.equal(2);
    expect(erased.holdManager!.linkTokens).to.be.above(0);
    expect(erased.notification!.messages).to.be.at.least(6);
    expect(erased.pixelmedicsSync!.syncJobs).to.equal(6);
    expect(erased.pixelmedicsSync!.practiceSystemLinks).to.equal(2);
    expect(answer.body.pending).to.deep.equal({
      notification: { webhookDeliveries: 0 },
      pixelmedicsSync: { syncJobs: 0 },
    });

    expect(await rowsMentioning(pool, personalData)).to.deep.equal({});
    // The practice system keeps its own record of the patient.
    const { rows: contacts } = await pool.query('SELECT 1 FROM pixelmedics_sync.pms_contacts WHERE email = $1', [
      patient.email,
    ]);
    expect(contacts).to.have.length(1);
    const other = await staff.request('GET', `/bookings/${otherPatientsBooking}`);
    expect(other.status).to.equal(200);
    expect((await staff.request('GET', `/bookings/${pastBooking}`)).status).to.equal(404);
  });

  it('when the erasure is asked again, then it names the same bookings and finds nothing more to erase', async () => {
    const answer = await admin.request('POST', `/bookings/${pastBooking}/patient/erase`, { confirm: 'erase' });
    expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
    expect((answer.body.bookingIds as string[]).sort()).to.deep.equal([pastBooking, openBooking].sort());
    expect(answer.body.alreadyErased).to.equal(true);
    expect(answer.body.erased).to.deep.equal({
      holdManager: { bookings: 0, linkTokens: 0, eventData: 0 },
      notification: { messages: 0, webhookDeliveries: 0 },
      pixelmedicsSync: { syncJobs: 0, practiceSystemLinks: 0 },
    });
  });

  it('when a patient was exported and erased, then the audit log names the acting account, the booking and the bookings concerned, and none of the personal data', async () => {
    const log = await admin.request('GET', '/audit?limit=500');
    const entries = log.body.entries as {
      action: string;
      accountEmail: string;
      target: string;
      details: Record<string, unknown>;
    }[];
    const exported = entries.find((e) => e.action === 'patient.export');
    expect(exported).to.include({ accountEmail: staffEmail, target: pastBooking });
    expect((exported!.details.bookingIds as string[]).sort()).to.deep.equal([pastBooking, openBooking].sort());
    const erasures = entries.filter((e) => e.action === 'patient.erase');
    expect(erasures).to.have.length(2);
    expect(erasures.map((e) => e.accountEmail)).to.deep.equal([adminEmail, adminEmail]);
    const first = erasures.find((e) => e.details.alreadyErased === false)!;
    expect(first.target).to.equal(openBooking);
    expect(first.details.erased).to.have.nested.property('holdManager.bookings', 2);
    const text = JSON.stringify(entries);
    for (const value of personalData) expect(text).not.to.include(value);
    const filtered = await admin.request('GET', '/audit?action=patient.erase');
    expect(filtered.body.entries).to.have.length(2);
  });
});
