import { createPool } from '@otk/db';
import { expect } from 'chai';
import { generate } from 'otplib';
import type pg from 'pg';
import { Webhook } from 'standardwebhooks';
import { waitFor } from '@otk/test-kit';
import { AdminClient, createStaffAccount } from '../support/admin-client.js';
import { type DocumentedAdminRoute, documentedAdminRoutes, registeredAdminRoutes } from '../support/admin-routes.js';
import { startDemoStack } from '../support/demo-stack.js';
import { listenForLinkTokens } from '../support/link-tokens.js';
import {
  type KeptCatalogue,
  importCatalogueFromPracticeSystem,
  publishToEvents,
} from '../support/practice-system-events.js';
import { type OfferedSlot, aHoldRequest, getJson, offeredSlots, postJson } from '../support/factories.js';
import { type Stack, runServiceCommand } from '../support/stack.js';
import { publicHolidays } from '../../services/availability/src/data-access/holidays.js';
import {
  type WebhookReceiver,
  startWebhookReceiver,
} from '../../services/notification/test/support/webhook-receiver.js';

describe('administration console API on the real stack', function () {
  this.timeout(180000);
  let stack: Stack;
  let pool: pg.Pool;
  let adminPassword: string;
  let staffPassword: string;
  const adminEmail = 'admin@practice.test';
  const staffEmail = 'reception@practice.test';
  /** Every secret a log line must never contain. */
  const secrets: string[] = [];
  let clients = 0;
  /** A client of its own address, so the sign-in limits of one test leave the others alone. */
  const aClient = () => new AdminClient(stack.gatewayUrl, `198.51.100.${++clients}`);
  const signedIn = async (email: string, password: string) => {
    const client = aClient();
    const answer = await client.signIn(email, password);
    expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
    secrets.push(client.cookie!.split('=')[1]!, client.csrfToken!);
    return client;
  };

  before(async () => {
    stack = await startDemoStack({ env: { ADMIN_COOKIE_SECURE: 'false', TRUST_PROXY_HOPS: '1' } });
    pool = createPool({ connectionString: stack.env.DATABASE_URL!, applicationName: 'test' });
    adminPassword = await createStaffAccount(stack, adminEmail, 'admin');
    staffPassword = await createStaffAccount(stack, staffEmail, 'staff');
    secrets.push(adminPassword, staffPassword);
  });

  after(async () => {
    await pool?.end();
    await stack?.stop();
  });

  describe('signing in and out', () => {
    it('when an admin signs in, then the answer has a CSRF token and the cookie is HttpOnly and SameSite=Strict', async () => {
      const client = aClient();
      const answer = await client.signIn(adminEmail, adminPassword);
      expect(answer.status).to.equal(200);
      expect(answer.body.user).to.deep.equal({
        email: adminEmail,
        role: 'admin',
        totpEnabled: false,
        totpSetupRequired: false,
      });
      expect(answer.body.csrfToken).to.be.a('string').with.length.above(30);
      const cookie = answer.headers.get('set-cookie')!;
      expect(cookie).to.match(/^otk-admin=[A-Za-z0-9_-]{40,}; /);
      expect(cookie).to.match(/HttpOnly/);
      expect(cookie).to.match(/SameSite=Strict/);
      expect(cookie).to.match(/Path=\//);
      secrets.push(client.cookie!.split('=')[1]!, client.csrfToken!);
      const session = await client.request('GET', '/session', undefined, { csrf: false });
      expect(session.status).to.equal(200);
      expect(session.body.csrfToken).to.equal(client.csrfToken);
    });

    it('when the password is wrong or the e-mail unknown, then both answers are the same 401 SIGN_IN_FAILED', async () => {
      const wrong = await aClient().signIn(adminEmail, 'not the password at all');
      const unknown = await aClient().signIn('nobody@practice.test', 'not the password at all');
      expect(wrong.status).to.equal(401);
      expect(wrong.body).to.deep.equal(unknown.body);
      expect(wrong.body.code).to.equal('SIGN_IN_FAILED');
      expect(wrong.headers.get('set-cookie')).to.equal(null);
    });

    it('when there is no session cookie, then the session is 401 UNAUTHENTICATED', async () => {
      const answer = await aClient().request('GET', '/session');
      expect(answer.status).to.equal(401);
      expect(answer.body.code).to.equal('UNAUTHENTICATED');
    });

    it('when signing out, then the CSRF header is needed and afterwards the cookie opens nothing', async () => {
      const client = await signedIn(adminEmail, adminPassword);
      const withoutCsrf = await client.request('DELETE', '/session', undefined, { csrf: false });
      expect(withoutCsrf.status).to.equal(403);
      expect(withoutCsrf.body.code).to.equal('CSRF_FAILED');
      const wrongCsrf = await client.request('DELETE', '/session', undefined, { csrfToken: 'x'.repeat(43) });
      expect(wrongCsrf.body.code).to.equal('CSRF_FAILED');
      expect((await client.request('DELETE', '/session')).status).to.equal(204);
      expect((await client.request('GET', '/session')).status).to.equal(401);
    });

    it('when signing out everywhere, then every session of the account ends and other accounts keep theirs', async () => {
      const first = await signedIn(staffEmail, staffPassword);
      const second = await signedIn(staffEmail, staffPassword);
      const admin = await signedIn(adminEmail, adminPassword);
      expect((await first.request('DELETE', '/sessions')).status).to.equal(204);
      expect((await first.request('GET', '/session')).status).to.equal(401);
      expect((await second.request('GET', '/session')).status).to.equal(401);
      expect((await admin.request('GET', '/session')).status).to.equal(200);
    });

    it('when a session was idle too long or is older than the absolute limit, then it is 401', async () => {
      const idle = await signedIn(staffEmail, staffPassword);
      const old = await signedIn(adminEmail, adminPassword);
      const hashOf = (client: AdminClient) => client.cookie!.split('=')[1]!;
      await pool.query(
        `UPDATE gateway.staff_sessions SET last_seen_at = now() - interval '31 minutes'
          WHERE id_hash = sha256(convert_to($1, 'UTF8'))`,
        [hashOf(idle)],
      );
      await pool.query(
        `UPDATE gateway.staff_sessions SET created_at = now() - interval '13 hours'
          WHERE id_hash = sha256(convert_to($1, 'UTF8'))`,
        [hashOf(old)],
      );
      expect((await idle.request('GET', '/session')).status).to.equal(401);
      expect((await old.request('GET', '/session')).status).to.equal(401);
    });
  });

  describe('brute-force limits', () => {
    it('when 50 wrong passwords for one account arrive at once, then exactly 5 are checked and 45 get 429 with Retry-After', async () => {
      const email = 'target@practice.test';
      const password = await createStaffAccount(stack, email, 'staff');
      secrets.push(password);
      const answers = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          new AdminClient(stack.gatewayUrl, `203.0.113.${i + 1}`).signIn(email, `wrong password ${i}`),
        ),
      );
      const statuses = answers.map((a) => a.status);
      expect(statuses.filter((s) => s === 401)).to.have.length(5);
      expect(statuses.filter((s) => s === 429)).to.have.length(45);
      for (const limited of answers.filter((a) => a.status === 429)) {
        expect(limited.body.code).to.equal('RATE_LIMITED');
        const retryAfter = Number(limited.headers.get('retry-after'));
        expect(retryAfter).to.be.within(1, 900);
      }
      // The right password does not get past the cool-down either, and the message says nothing of it.
      const right = await new AdminClient(stack.gatewayUrl, '203.0.113.99').signIn(email, password);
      expect(right.status).to.equal(429);
    });

    it('when one client address tries 50 e-mails at once, then 20 are checked and 30 get 429', async () => {
      const client = new AdminClient(stack.gatewayUrl, '192.0.2.77');
      const answers = await Promise.all(
        Array.from({ length: 50 }, (_, i) => client.signIn(`guess${i}@practice.test`, 'a wrong password')),
      );
      const statuses = answers.map((a) => a.status);
      expect(statuses.filter((s) => s === 401)).to.have.length(20);
      expect(statuses.filter((s) => s === 429)).to.have.length(30);
    });
  });

  describe('TOTP', () => {
    it('when a staff member enrols a code generator, then signing in needs its code', async () => {
      const email = 'totp@practice.test';
      const password = await createStaffAccount(stack, email, 'staff');
      secrets.push(password);
      const client = await signedIn(email, password);
      const started = await client.request('POST', '/account/totp');
      expect(started.status).to.equal(200);
      const secret = started.body.secret as string;
      secrets.push(secret);
      expect(started.body.uri).to.match(/^otpauth:\/\/totp\/OTK:/);
      const wrong = await client.request('POST', '/account/totp/confirm', { code: '12345x' });
      expect(wrong.status).to.equal(400);
      expect(
        (await client.request('POST', '/account/totp/confirm', { code: await generate({ secret }) })).status,
      ).to.equal(204);
      const withoutCode = await aClient().signIn(email, password);
      expect(withoutCode.status).to.equal(401);
      expect(withoutCode.body.code).to.equal('TOTP_REQUIRED');
      const withCode = await aClient().signIn(email, password, await generate({ secret }));
      expect(withCode.status).to.equal(200);
      expect((withCode.body.user as { totpEnabled: boolean }).totpEnabled).to.equal(true);
    });

    it('when the practice requires TOTP for admins, then an admin without a code generator must enrol before anything else; staff are not asked', async () => {
      const enrol = async (client: AdminClient) => {
        const started = await client.request('POST', '/account/totp');
        expect(started.status, JSON.stringify(started.body)).to.equal(200);
        const secret = started.body.secret as string;
        secrets.push(secret);
        const confirmed = await client.request('POST', '/account/totp/confirm', { code: await generate({ secret }) });
        expect(confirmed.status).to.equal(204);
        return secret;
      };
      const ownerEmail = 'totp-owner@practice.test';
      const ownerPassword = await createStaffAccount(stack, ownerEmail, 'admin');
      const newcomerEmail = 'totp-newcomer@practice.test';
      const newcomerPassword = await createStaffAccount(stack, newcomerEmail, 'admin');
      secrets.push(ownerPassword, newcomerPassword);
      const owner = await signedIn(ownerEmail, ownerPassword);
      await enrol(owner);
      try {
        const required = await owner.request('PATCH', '/settings', { security: { totpRequiredForAdmin: true } });
        expect(required.status, JSON.stringify(required.body)).to.equal(200);
        expect(required.body.security).to.deep.equal({ totpRequiredForAdmin: true });

        const newcomer = aClient();
        const signIn = await newcomer.signIn(newcomerEmail, newcomerPassword);
        expect(signIn.status).to.equal(200);
        expect(signIn.body.user).to.include({ role: 'admin', totpEnabled: false, totpSetupRequired: true });
        secrets.push(newcomer.cookie!.split('=')[1]!, newcomer.csrfToken!);
        for (const [method, path, body] of [
          ['GET', '/settings', undefined],
          ['PATCH', '/settings', { bookingHorizonDays: 60 }],
          ['GET', '/bookings?from=2030-01-01T00:00:00Z&to=2030-01-08T00:00:00Z', undefined],
          ['GET', '/audit', undefined],
          ['DELETE', '/account/totp', { code: '123456' }],
        ] as const) {
          const answer = await newcomer.request(method, path, body);
          expect(answer.status, `${method} ${path}`).to.equal(403);
          expect(answer.body.code, `${method} ${path}`).to.equal('TOTP_SETUP_REQUIRED');
        }
        const session = await newcomer.request('GET', '/session');
        expect(session.status).to.equal(200);
        expect(session.body.user).to.include({ totpSetupRequired: true });
        // Staff are not asked for a code generator.
        const staff = await signedIn(staffEmail, staffPassword);
        expect((await staff.request('GET', '/waitlist')).status).to.equal(200);

        const secret = await enrol(newcomer);
        expect((await newcomer.request('GET', '/settings')).status).to.equal(200);
        const withoutCode = await aClient().signIn(newcomerEmail, newcomerPassword);
        expect(withoutCode.status).to.equal(401);
        expect(withoutCode.body.code).to.equal('TOTP_REQUIRED');
        const withCode = await aClient().signIn(newcomerEmail, newcomerPassword, await generate({ secret }));
        expect(withCode.status).to.equal(200);
        expect(withCode.body.user).to.include({ totpEnabled: true, totpSetupRequired: false });
      } finally {
        const off = await owner.request('PATCH', '/settings', { security: { totpRequiredForAdmin: false } });
        expect(off.status, JSON.stringify(off.body)).to.equal(200);
      }
      // The other admins of this suite work without a code again.
      expect((await (await signedIn(adminEmail, adminPassword)).request('GET', '/settings')).status).to.equal(200);
    });
  });

  describe('every route refuses', () => {
    const someId = '00000000-0000-4000-8000-000000000000';
    /** Every console operation of docs/api/openapi.yaml but signing in, with the roles it admits. */
    const documented = documentedAdminRoutes();
    const guarded = documented.filter((route) => route.roles !== undefined);
    /** The request of an operation: path parameters filled in, a body where the method takes one. */
    const requestOf = (route: DocumentedAdminRoute) => ({
      method: route.method,
      path: route.path.replace(/^\/admin/, '').replace(/\{\w+\}/g, someId),
      body: ['GET', 'DELETE'].includes(route.method) ? undefined : {},
    });
    const named = (route: DocumentedAdminRoute) => `${route.method} ${route.path}`;

    it('when the gateway registers a console route, then the OpenAPI document has it with the roles it admits, and the other way round', () => {
      const registered = registeredAdminRoutes();
      expect(registered.length).to.be.above(30);
      expect([...registered].sort()).to.deep.equal(documented.map(named).sort());
      // Only signing in is open without a session; every other operation says who may use it.
      expect(documented.filter((route) => route.roles === undefined).map(named)).to.deep.equal(['POST /admin/session']);
      for (const route of guarded) expect(route.roles, named(route)).to.include('admin');
    });

    it('when there is no session, then every route answers 401 UNAUTHENTICATED', async () => {
      const client = aClient();
      for (const route of guarded) {
        const { method, path, body } = requestOf(route);
        const answer = await client.request(method, path, body);
        expect(answer.status, named(route)).to.equal(401);
        expect(answer.body.code, named(route)).to.equal('UNAUTHENTICATED');
      }
    });

    it('when the role may not use a route, then it answers 403 FORBIDDEN', async () => {
      const staff = await signedIn(staffEmail, staffPassword);
      const adminOnly = guarded.filter((route) => !route.roles!.includes('staff'));
      expect(adminOnly.length).to.be.above(20);
      for (const route of adminOnly) {
        const { method, path, body } = requestOf(route);
        const answer = await staff.request(method, path, body);
        expect(answer.status, named(route)).to.equal(403);
        expect(answer.body.code, named(route)).to.equal('FORBIDDEN');
      }
    });

    it('when the X-OTK-CSRF header is missing, then every route answers 403 CSRF_FAILED to each role it admits and changes nothing', async () => {
      const clients = {
        admin: await signedIn(adminEmail, adminPassword),
        staff: await signedIn(staffEmail, staffPassword),
      };
      const needingCsrf = guarded.filter((route) => route.csrf);
      expect(needingCsrf.map(named)).not.to.include('GET /admin/session');
      for (const route of needingCsrf) {
        const { method, path, body } = requestOf(route);
        // The guard checks the role before the header: CSRF_FAILED for staff also shows staff is admitted.
        for (const role of route.roles!) {
          const answer = await clients[role].request(method, path, body, { csrf: false });
          expect(answer.status, `${named(route)} as ${role}`).to.equal(403);
          expect(answer.body.code, `${named(route)} as ${role}`).to.equal('CSRF_FAILED');
        }
      }
      for (const client of Object.values(clients)) {
        expect((await client.request('GET', '/session')).status, 'still signed in').to.equal(200);
      }
    });
  });

  describe('settings', () => {
    let admin: AdminClient;
    before(async () => {
      admin = await signedIn(adminEmail, adminPassword);
    });

    it('when an admin reads the settings, then each part comes from its owner', async () => {
      const answer = await admin.request('GET', '/settings');
      expect(answer.status).to.equal(200);
      expect(answer.body).to.include({ confirmationWindowMinutes: 15, cancellationDeadlineHours: 24 });
      expect(answer.body.onlineColour).to.match(/^#[0-9A-F]{6}$/i);
      expect(answer.body.staffCopies).to.have.keys('enabled', 'addresses');
      expect(answer.body.profile).to.have.keys('name', 'address', 'phone', 'logoUrl', 'colour');
      expect(answer.body.security).to.deep.equal({ totpRequiredForAdmin: false });
      expect(answer.body.auditRetentionDays).to.equal(365);
    });

    it('when a value is out of range or unknown, then 400 VALIDATION_FAILED names it and nothing changes', async () => {
      const tooShort = await admin.request('PATCH', '/settings', { confirmationWindowMinutes: 4 });
      expect(tooShort.status).to.equal(400);
      expect(tooShort.body.code).to.equal('VALIDATION_FAILED');
      expect(JSON.stringify(tooShort.body.details)).to.include('confirmationWindowMinutes');
      const badColour = await admin.request('PATCH', '/settings', { onlineColour: 'green' });
      expect(badColour.status).to.equal(400);
      const unknown = await admin.request('PATCH', '/settings', { confirmationWindow: 10 });
      expect(unknown.status).to.equal(400);
      const horizon = await admin.request('PATCH', '/settings', { bookingHorizonDays: 731 });
      expect(horizon.status).to.equal(400);
      expect((await admin.request('GET', '/settings')).body.confirmationWindowMinutes).to.equal(15);
    });

    it('when the confirmation window is set to 5 minutes, then a new hold expires 5 minutes after it was placed', async () => {
      const changed = await admin.request('PATCH', '/settings', { confirmationWindowMinutes: 5 });
      expect(changed.status, JSON.stringify(changed.body)).to.equal(200);
      expect(changed.body.confirmationWindowMinutes).to.equal(5);
      const [slot] = await offeredSlots(stack.gatewayUrl, { appointmentType: 'checkup', practitioner: 'dr-muster' });
      const placedAt = Date.now();
      const hold = await postJson(`${stack.gatewayUrl}/api/v1/holds`, aHoldRequest(slot));
      expect(hold.status, JSON.stringify(hold.body)).to.equal(201);
      const window = Date.parse(hold.body.expiresAt as string) - placedAt;
      expect(window).to.be.within(5 * 60_000 - 2000, 5 * 60_000 + 5000);
    });

    it('when the minimum notice grows past a slot, then the slot is no longer offered and a hold of it is refused; back, it is offered again', async () => {
      const before = (await admin.request('GET', '/settings')).body.minimumNoticeMinutes as number;
      const query = { appointmentType: 'checkup', practitioner: 'dr-keller', days: 14 };
      const slots = await offeredSlots(stack.gatewayUrl, query);
      // A slot at least two hours ahead, and a notice that ends an hour after its start.
      const slot = slots.find((s) => Date.parse(s.start) > Date.now() + 2 * 3600_000)!;
      const notice = Math.ceil((Date.parse(slot.start) - Date.now()) / 60_000) + 60;
      expect(notice).to.be.below(20160);
      const isOffered = async () => (await offeredSlots(stack.gatewayUrl, query)).some((s) => s.start === slot.start);
      try {
        const changed = await admin.request('PATCH', '/settings', { minimumNoticeMinutes: notice });
        expect(changed.status, JSON.stringify(changed.body)).to.equal(200);
        expect(changed.body.minimumNoticeMinutes).to.equal(notice);
        await waitFor(async () => ((await isOffered()) ? undefined : true), {
          timeoutMs: 10000,
          what: 'the slot inside the notice to leave the booking site',
        });
        const hold = await postJson(`${stack.gatewayUrl}/api/v1/holds`, aHoldRequest(slot));
        expect(hold.status, JSON.stringify(hold.body)).to.equal(409);
        expect(hold.body.code).to.equal('SLOT_NOT_OFFERED');
      } finally {
        await admin.request('PATCH', '/settings', { minimumNoticeMinutes: before });
      }
      await waitFor(async () => ((await isOffered()) ? true : undefined), {
        timeoutMs: 10000,
        what: 'the slot offered again with the notice as before',
      });
    });

    it('when the practice sets how long the audit log keeps entries, then the settings keep it; under a year or over ten is refused', async () => {
      for (const days of [364, 3651, 400.5]) {
        const refused = await admin.request('PATCH', '/settings', { auditRetentionDays: days });
        expect(refused.status, String(days)).to.equal(400);
        expect(JSON.stringify(refused.body.details)).to.include('auditRetentionDays');
      }
      const changed = await admin.request('PATCH', '/settings', { auditRetentionDays: 730 });
      expect(changed.status, JSON.stringify(changed.body)).to.equal(200);
      expect(changed.body.auditRetentionDays).to.equal(730);
      expect((await admin.request('GET', '/settings')).body.auditRetentionDays).to.equal(730);
      const audited = await admin.request('GET', '/audit?action=settings.update');
      expect(JSON.stringify(audited.body.entries)).to.include('"auditRetentionDays":730');
    });

    it('when the profile, the horizon and the colours change, then the booking site and the messages follow', async () => {
      const changed = await admin.request('PATCH', '/settings', {
        bookingHorizonDays: 30,
        onlineColour: '#123ABC',
        staffCopies: { enabled: true, addresses: ['desk@practice.test', 'doctor@practice.test'] },
        profile: {
          name: 'Praxis am See',
          address: 'Seestrasse 1, 8000 Zürich',
          phone: '+41 44 000 00 00',
          colour: '#AA3300',
        },
      });
      expect(changed.status, JSON.stringify(changed.body)).to.equal(200);
      expect(changed.body).to.include({ bookingHorizonDays: 30, onlineColour: '#123ABC' });
      // The booking site's practice answer (availability, which owns the profile).
      await waitFor(
        async () => {
          const { body } = await getJson(`${stack.gatewayUrl}/api/v1/practice`);
          return body.name === 'Praxis am See' && body.brandColour === '#AA3300' && body.bookingHorizonDays === 30
            ? true
            : undefined;
        },
        { timeoutMs: 10000, what: 'the practice answer to show the new profile' },
      );
      // notification follows practice.profileChanged; the staff copies are its own.
      await waitFor(
        async () => {
          const { rows } = await pool.query<{ practice_name: string; address: string; staff_addresses: string[] }>(
            'SELECT practice_name, address, staff_addresses FROM notification.practice_settings',
          );
          return rows[0]?.practice_name === 'Praxis am See' ? rows[0] : undefined;
        },
        { timeoutMs: 10000, what: 'notification to follow the profile' },
      ).then((row) => {
        expect(row.address).to.equal('Seestrasse 1, 8000 Zürich');
        expect(row.staff_addresses).to.deep.equal(['desk@practice.test', 'doctor@practice.test']);
      });
      const { rows } = await pool.query<{ online_colour: string }>(
        'SELECT online_colour FROM pixelmedics_sync.settings',
      );
      expect(rows[0]!.online_colour).to.equal('#123ABC');
    });

    it('when reminders are set, then notification keeps them; the same offset and channel twice is refused', async () => {
      const reminders = [
        { hoursBefore: 48, channel: 'email' },
        { hoursBefore: 2, channel: 'sms' },
      ];
      const changed = await admin.request('PATCH', '/settings', { reminders });
      expect(changed.status, JSON.stringify(changed.body)).to.equal(200);
      expect(changed.body.reminders).to.deep.equal(reminders);
      const { rows } = await pool.query<{ reminders: unknown }>('SELECT reminders FROM notification.practice_settings');
      expect(rows[0]!.reminders).to.deep.equal(reminders);

      const twice = await admin.request('PATCH', '/settings', { reminders: [reminders[0], reminders[0]] });
      expect(twice.status).to.equal(400);
      expect(twice.body.code).to.equal('VALIDATION_FAILED');
      const tooFar = await admin.request('PATCH', '/settings', { reminders: [{ hoursBefore: 337, channel: 'email' }] });
      expect(tooFar.status).to.equal(400);
      expect((await admin.request('GET', '/settings')).body.reminders).to.deep.equal(reminders);
      expect((await admin.request('PATCH', '/settings', { reminders: [] })).body.reminders).to.deep.equal([]);
    });

    it('when the optional steps, SMS and the languages change, then the booking site follows without a restart', async () => {
      const before = (await admin.request('GET', '/settings')).body as {
        steps: { visitKind: boolean; appointmentGroup: boolean };
        smsEnabled: boolean;
        languages: string[];
        defaultLanguage: string;
      };
      const changed = await admin.request('PATCH', '/settings', {
        steps: { visitKind: !before.steps.visitKind, appointmentGroup: !before.steps.appointmentGroup },
        smsEnabled: !before.smsEnabled,
        languages: ['de', 'fr'],
        defaultLanguage: 'fr',
      });
      expect(changed.status, JSON.stringify(changed.body)).to.equal(200);
      const expected = {
        steps: { visitKind: !before.steps.visitKind, appointmentGroup: !before.steps.appointmentGroup },
        smsOffered: !before.smsEnabled,
        languages: ['de', 'fr'],
        defaultLanguage: 'fr',
      };
      await waitFor(
        async () => {
          const { body } = await getJson(`${stack.gatewayUrl}/api/v1/practice`);
          const shown = {
            steps: body.steps,
            smsOffered: body.smsOffered,
            languages: body.languages,
            defaultLanguage: body.defaultLanguage,
          };
          return JSON.stringify(shown) === JSON.stringify(expected) ? true : undefined;
        },
        { timeoutMs: 10000, what: 'the practice answer to show the new steps, SMS and languages' },
      );
      const restored = await admin.request('PATCH', '/settings', {
        steps: before.steps,
        smsEnabled: before.smsEnabled,
        languages: before.languages,
        defaultLanguage: before.defaultLanguage,
      });
      expect(restored.status).to.equal(200);
    });

    it('when the practice requires the address, then the booking site is told and a hold without it is refused naming the fields', async () => {
      const changed = await admin.request('PATCH', '/settings', {
        requiredPatientFields: ['birthDate', 'street', 'town'],
      });
      expect(changed.status, JSON.stringify(changed.body)).to.equal(200);
      expect(changed.body.requiredPatientFields).to.deep.equal(['birthDate', 'street', 'town']);
      await waitFor(
        async () => {
          const { body } = await getJson(`${stack.gatewayUrl}/api/v1/practice`);
          return JSON.stringify(body.requiredPatientFields) === '["birthDate","street","town"]' ? true : undefined;
        },
        { timeoutMs: 10000, what: 'the practice answer to name the required fields' },
      );
      const slot = (await offeredSlots(stack.gatewayUrl, { appointmentType: 'checkup', practitioner: 'dr-muster' })).at(
        -1,
      )!;
      const withoutAddress = aHoldRequest(slot);
      const refused = await postJson(`${stack.gatewayUrl}/api/v1/holds`, withoutAddress);
      expect(refused.status).to.equal(400);
      expect(refused.body.code).to.equal('VALIDATION_FAILED');
      const paths = (refused.body.details as { fields: { path: string }[] }).fields.map((f) => f.path);
      expect(paths).to.deep.equal(['patient.street', 'patient.town']);
      const withAddress = aHoldRequest(slot, {
        patient: { ...withoutAddress.patient, street: 'Seestrasse 1', town: 'Zürich' },
      });
      const held = await postJson(`${stack.gatewayUrl}/api/v1/holds`, withAddress);
      expect(held.status, JSON.stringify(held.body)).to.equal(201);

      const unknown = await admin.request('PATCH', '/settings', { requiredPatientFields: ['insuranceNumber'] });
      expect(unknown.status).to.equal(400);
      expect(JSON.stringify(unknown.body.details)).to.include('requiredPatientFields');
      const restored = await admin.request('PATCH', '/settings', { requiredPatientFields: ['birthDate'] });
      expect(restored.body.requiredPatientFields).to.deep.equal(['birthDate']);
    });

    it('when an admin without a code generator requires TOTP for admins, then it is refused', async () => {
      const answer = await admin.request('PATCH', '/settings', { security: { totpRequiredForAdmin: true } });
      expect(answer.status).to.equal(400);
      expect((await admin.request('GET', '/settings')).body.security).to.deep.equal({ totpRequiredForAdmin: false });
    });
  });

  describe('catalogue', () => {
    let admin: AdminClient;
    before(async () => {
      admin = await signedIn(adminEmail, adminPassword);
    });

    it('when an admin adds an absence, then its slots leave the booking site, and come back when it is removed', async () => {
      const catalogue = await admin.request('GET', '/catalogue');
      expect(catalogue.status).to.equal(200);
      expect(catalogue.body.timeZone).to.equal('Europe/Zurich');
      const [slot] = await offeredSlots(stack.gatewayUrl, { appointmentType: 'checkup', practitioner: 'dr-keller' });
      // The slot's local day in the practice's zone (its start carries the practice's offset).
      const day = slot!.start.slice(0, 10);
      const nextDay = new Date(Date.parse(`${day}T00:00:00Z`) + 86400_000).toISOString().slice(0, 10);
      const absence = {
        practitionerId: 'dr-keller',
        startsAt: `${day}T00:00`,
        endsAt: `${nextDay}T00:00`,
        reason: 'Weiterbildung',
      };
      const added = await admin.request('POST', '/catalogue/absences', absence);
      expect(added.status, JSON.stringify(added.body)).to.equal(201);
      const stored = (added.body.absences as { id: string; practitionerId: string; startsAt: string }[]).find(
        (a) => a.practitionerId === 'dr-keller' && a.startsAt === absence.startsAt,
      );
      expect(stored).to.include(absence);
      const slotsOfTheDay = async () =>
        (await offeredSlots(stack.gatewayUrl, { appointmentType: 'checkup', practitioner: 'dr-keller' })).filter(
          (s) => s.start.slice(0, 10) === slot!.start.slice(0, 10),
        );
      await waitFor(async () => ((await slotsOfTheDay()).length === 0 ? true : undefined), {
        timeoutMs: 10000,
        what: 'the absent day to have no slots',
      });
      const hold = await postJson(`${stack.gatewayUrl}/api/v1/holds`, aHoldRequest(slot));
      expect(hold.status, 'a hold inside the absence').to.equal(409);

      const removed = await admin.request('DELETE', `/catalogue/absences/${stored!.id}`);
      expect(removed.status).to.equal(200);
      await waitFor(async () => ((await slotsOfTheDay()).length > 0 ? true : undefined), {
        timeoutMs: 10000,
        what: 'the day to be offered again',
      });
      expect((await admin.request('DELETE', `/catalogue/absences/${stored!.id}`)).body.code).to.equal('NOT_FOUND');
    });

    it('when the cantonal holidays stop closing the practice, then a holiday on a working day is offered; switched on again, it is not', async () => {
      const { body } = await admin.request('GET', '/catalogue');
      const { country, region, closed } = body.holidays as { country: string; region: string | null; closed: boolean };
      expect(closed, 'holidays close the practice by default').to.equal(true);
      const isHoliday = publicHolidays(country, region);
      // The next public holidays on weekdays, a year ahead at most (the horizon is widened to reach them).
      const weekdayHolidays: string[] = [];
      for (let day = 1; day <= 366; day++) {
        const date = new Date(Date.now() + day * 86400_000).toISOString().slice(0, 10);
        const weekday = new Date(`${date}T12:00:00Z`).getUTCDay();
        if (weekday >= 1 && weekday <= 5 && isHoliday(date)) weekdayHolidays.push(date);
      }
      expect(weekdayHolidays.length).to.be.above(3);
      const horizon = (await admin.request('GET', '/settings')).body.bookingHorizonDays as number;
      const slotsOn = async (date: string) => {
        const url = `${stack.gatewayUrl}/api/v1/availability?appointmentType=checkup&practitioner=dr-muster&from=${date}&to=${date}`;
        const answer = await getJson(url);
        expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
        return (answer.body.days as { slots: unknown[] }[]).flatMap((d) => d.slots).length;
      };
      const offeredOnSome = async () => {
        const counts = await Promise.all(weekdayHolidays.map(slotsOn));
        return counts.some((count) => count > 0);
      };
      try {
        expect((await admin.request('PATCH', '/settings', { bookingHorizonDays: 400 })).status).to.equal(200);
        expect(await offeredOnSome(), 'a holiday offered while holidays close the practice').to.equal(false);

        const open = await admin.request('PUT', '/catalogue/holidays', { closed: false });
        expect(open.status, JSON.stringify(open.body)).to.equal(200);
        expect((open.body.holidays as { closed: boolean }).closed).to.equal(false);
        await waitFor(async () => ((await offeredOnSome()) ? true : undefined), {
          timeoutMs: 10000,
          what: 'a weekday holiday to be offered',
        });

        const closedAgain = await admin.request('PUT', '/catalogue/holidays', { closed: true });
        expect(closedAgain.status).to.equal(200);
        await waitFor(async () => ((await offeredOnSome()) ? undefined : true), {
          timeoutMs: 10000,
          what: 'the holidays to leave the booking site again',
        });
      } finally {
        await admin.request('PUT', '/catalogue/holidays', { closed: true });
        await admin.request('PATCH', '/settings', { bookingHorizonDays: horizon });
      }
    });

    it('when an appointment type changes its duration and practitioners, then the slots follow', async () => {
      const { body } = await admin.request('GET', '/catalogue');
      const types = body.appointmentTypes as { id: string; practitionerIds: string[]; durationMinutes: number }[];
      const checkup = types.find((t) => t.id === 'checkup')!;
      const { id: _id, ...rest } = checkup;
      const changed = await admin.request('PUT', '/catalogue/appointment-types/checkup', {
        ...rest,
        durationMinutes: 50,
        practitionerIds: ['dr-muster'],
      });
      expect(changed.status, JSON.stringify(changed.body)).to.equal(200);
      await waitFor(
        async () => {
          const [slot] = await offeredSlots(stack.gatewayUrl, {
            appointmentType: 'checkup',
            practitioner: 'dr-muster',
          });
          return slot && Date.parse(slot.end) - Date.parse(slot.start) === 50 * 60_000 ? true : undefined;
        },
        { timeoutMs: 10000, what: 'slots of 50 minutes' },
      );
      const today = new Date().toISOString().slice(0, 10);
      const keller = await getJson(
        `${stack.gatewayUrl}/api/v1/availability?appointmentType=checkup&practitioner=dr-keller&from=${today}&to=${today}`,
      );
      expect(keller.body.code, 'dr-keller no longer offers the type').to.equal('PRACTITIONER_NOT_OFFERING_TYPE');
      expect((await admin.request('PUT', '/catalogue/appointment-types/checkup', checkup)).status).to.equal(200);
    });

    it('when a change names an unknown practitioner or has a bad time, then 400 VALIDATION_FAILED names it', async () => {
      const unknown = await admin.request('POST', '/catalogue/absences', {
        practitionerId: 'dr-nobody',
        startsAt: '2030-01-01T00:00',
        endsAt: '2030-01-02T00:00',
        reason: null,
      });
      expect(unknown.status).to.equal(400);
      expect(unknown.body.code).to.equal('VALIDATION_FAILED');
      expect(JSON.stringify(unknown.body.details)).to.include('absence.practitionerId');
      const badHours = await admin.request('PUT', '/catalogue/practitioners/dr-muster', {
        displayName: 'Dr. Muster',
        active: true,
        sortOrder: 0,
        resourceIds: [],
        weeklyHours: [{ weekday: 1, start: '12:00', end: '08:00' }],
      });
      expect(badHours.status).to.equal(400);
      expect(JSON.stringify(badHours.body.details)).to.include('weeklyHours.0.end');
    });

    it('when a practitioner is added with working hours, then the catalogue has them as entered', async () => {
      const practitioner = {
        displayName: 'Dr. Neu',
        active: true,
        sortOrder: 5,
        resourceIds: [],
        weeklyHours: [
          { weekday: 2, start: '08:00', end: '12:00' },
          { weekday: 2, start: '13:00', end: '24:00' },
        ],
      };
      const put = await admin.request('PUT', '/catalogue/practitioners/dr-neu', practitioner);
      expect(put.status, JSON.stringify(put.body)).to.equal(200);
      const stored = (put.body.practitioners as { id: string }[]).find((p) => p.id === 'dr-neu');
      expect(stored).to.deep.equal({ id: 'dr-neu', ...practitioner });
    });

    it('when an admin adds a group with names in four languages and puts a type in it, then the booking site shows the group in each language', async () => {
      const name = { de: 'Implantate', fr: 'Implants', it: 'Impianti', en: 'Implants' };
      const put = await admin.request('PUT', '/catalogue/groups/implants', { name, sortOrder: 7 });
      expect(put.status, JSON.stringify(put.body)).to.equal(200);
      expect(put.body.groups).to.deep.include({ id: 'implants', name, sortOrder: 7 });
      // A group without a type bookable online is not on the booking site.
      const publicGroups = async () =>
        (await getJson(`${stack.gatewayUrl}/api/v1/catalogue`)).body.groups as { id: string; name: object }[];
      expect((await publicGroups()).map((g) => g.id)).not.to.include('implants');

      const types = (await admin.request('GET', '/catalogue')).body.appointmentTypes as { id: string }[];
      const { id: _id, ...filling } = types.find((t) => t.id === 'filling') as { id: string; groupId: string };
      const moved = await admin.request('PUT', '/catalogue/appointment-types/filling', {
        ...filling,
        groupId: 'implants',
      });
      expect(moved.status, JSON.stringify(moved.body)).to.equal(200);
      const shown = await waitFor(async () => (await publicGroups()).find((g) => g.id === 'implants'), {
        timeoutMs: 10000,
        what: 'the group on the booking site',
      });
      expect(shown.name).to.deep.equal(name);
      const publicTypes = (await getJson(`${stack.gatewayUrl}/api/v1/catalogue`)).body.appointmentTypes as {
        id: string;
        groupId: string | null;
      }[];
      expect(publicTypes.find((t) => t.id === 'filling')?.groupId).to.equal('implants');

      const unknown = await admin.request('PUT', '/catalogue/appointment-types/filling', {
        ...filling,
        groupId: 'no-such-group',
      });
      expect(unknown.status).to.equal(400);
      expect(JSON.stringify(unknown.body.details)).to.include('appointmentType.groupId');
      const noName = await admin.request('PUT', '/catalogue/groups/implants', {
        name: { fr: 'Implants' },
        sortOrder: 7,
      });
      expect(noName.status, 'a group needs its German name').to.equal(400);
      expect((await admin.request('PUT', '/catalogue/appointment-types/filling', filling)).status).to.equal(200);
    });

    it('when two practitioners are linked to the same new room, then a booking of one takes that time from the other, and unlinking gives it back', async () => {
      const room = await admin.request('PUT', '/catalogue/resources/room-3', {
        name: 'Behandlungszimmer 3',
        kind: 'room',
      });
      expect(room.status, JSON.stringify(room.body)).to.equal(200);
      expect(room.body.resources).to.deep.include({ id: 'room-3', name: 'Behandlungszimmer 3', kind: 'room' });
      const badKind = await admin.request('PUT', '/catalogue/resources/room-3', { name: 'Zimmer 3', kind: 'garage' });
      expect(badKind.status).to.equal(400);
      expect(badKind.body.code).to.equal('VALIDATION_FAILED');

      type StoredPractitioner = { id: string; resourceIds: string[] } & Record<string, unknown>;
      const practitioners = (await admin.request('GET', '/catalogue')).body.practitioners as StoredPractitioner[];
      const before = new Map(practitioners.map((p) => [p.id, p]));
      const linkTo = (id: string, resourceIds: string[]) => {
        const { id: _id, ...rest } = before.get(id)!;
        return admin.request('PUT', `/catalogue/practitioners/${id}`, { ...rest, resourceIds });
      };
      const unknownLink = await linkTo('dr-muster', ['room-1', 'room-99']);
      expect(unknownLink.status).to.equal(400);
      expect(JSON.stringify(unknownLink.body.details)).to.include('practitioner.resourceIds.1');

      const startsOf = async (practitioner: string) =>
        (await offeredSlots(stack.gatewayUrl, { appointmentType: 'checkup', practitioner, gapMinutes: 0 })).map(
          (s) => s.start,
        );
      const keller = new Set(await startsOf('dr-keller'));
      // Times both offer, from the end of the horizon, apart from what the other tests book.
      const common = (await startsOf('dr-muster')).filter((start) => keller.has(start)).reverse();
      const [unlinkedStart, linkedStart] = [
        common[0]!,
        common.find((s) => Math.abs(Date.parse(s) - Date.parse(common[0]!)) >= 3600_000)!,
      ];
      const holdMuster = async (start: string) => {
        const hold = await postJson(
          `${stack.gatewayUrl}/api/v1/holds`,
          aHoldRequest({ practitionerId: 'dr-muster', start }),
        );
        expect(hold.status, JSON.stringify(hold.body)).to.equal(201);
        await waitFor(async () => ((await startsOf('dr-muster')).includes(start) ? undefined : true), {
          timeoutMs: 10000,
          what: 'the held time to leave dr-muster’s slots',
        });
      };

      // Without a shared resource, dr-keller keeps the time dr-muster is booked at.
      await holdMuster(unlinkedStart);
      expect(await startsOf('dr-keller')).to.include(unlinkedStart);

      // Both in room 3: dr-muster's booking occupies it, so dr-keller no longer offers that time.
      expect((await linkTo('dr-muster', [...before.get('dr-muster')!.resourceIds, 'room-3'])).status).to.equal(200);
      const linked = await linkTo('dr-keller', [...before.get('dr-keller')!.resourceIds, 'room-3']);
      expect(linked.status).to.equal(200);
      expect(
        (linked.body.practitioners as StoredPractitioner[]).find((p) => p.id === 'dr-keller')!.resourceIds,
      ).to.include('room-3');
      await holdMuster(linkedStart);
      await waitFor(async () => ((await startsOf('dr-keller')).includes(linkedStart) ? undefined : true), {
        timeoutMs: 10000,
        what: 'the time dr-muster holds in the shared room to leave dr-keller’s slots',
      });
      expect(await startsOf('dr-keller')).to.include(unlinkedStart);

      // dr-keller out of room 3 again: the time is theirs to offer.
      expect((await linkTo('dr-keller', before.get('dr-keller')!.resourceIds)).status).to.equal(200);
      await waitFor(async () => ((await startsOf('dr-keller')).includes(linkedStart) ? true : undefined), {
        timeoutMs: 10000,
        what: 'the time offered by dr-keller again',
      });
      expect((await linkTo('dr-muster', before.get('dr-muster')!.resourceIds)).status).to.equal(200);
    });
  });

  describe('a catalogue kept by the practice system', () => {
    let admin: AdminClient;
    before(async () => {
      admin = await signedIn(adminEmail, adminPassword);
    });

    type Catalogue = KeptCatalogue & { managedByPracticeSystem: boolean };
    const importFromPracticeSystem = (catalogue: Catalogue, rename: Record<string, string> = {}) =>
      importCatalogueFromPracticeSystem(stack.env.AMQP_URL!, catalogue, rename);

    it('when the practice system sends its catalogue, then names follow it, the console may not change them and keeps hours and absences', async () => {
      const before = (await admin.request('GET', '/catalogue')).body as unknown as Catalogue;
      expect(before.managedByPracticeSystem).to.equal(false);
      const muster = before.practitioners.find((p) => p.id === 'dr-muster')!;

      await importFromPracticeSystem(before, { 'dr-muster': 'Dr. med. dent. Eva Muster-Meier' });
      const imported = await waitFor(
        async () => {
          const body = (await admin.request('GET', '/catalogue')).body as unknown as Catalogue;
          return body.managedByPracticeSystem ? body : undefined;
        },
        { timeoutMs: 20000, intervalMs: 200, what: 'the imported catalogue' },
      );
      expect(imported.practitioners.find((p) => p.id === 'dr-muster')?.displayName).to.equal(
        'Dr. med. dent. Eva Muster-Meier',
      );
      expect(imported.practitioners.map((p) => p.id)).to.deep.equal(before.practitioners.map((p) => p.id));

      const renamed = await admin.request('PUT', '/catalogue/practitioners/dr-muster', {
        ...imported.practitioners.find((p) => p.id === 'dr-muster'),
        id: undefined,
        displayName: 'Dr. Anders',
      });
      expect(renamed.status).to.equal(409);
      expect(renamed.body.code).to.equal('CATALOGUE_MANAGED_BY_PRACTICE_SYSTEM');
      expect(JSON.stringify(renamed.body.details)).to.include('practitioner.displayName');
      const resource = await admin.request('PUT', '/catalogue/resources/room-9', { name: 'Raum 9', kind: 'room' });
      expect(resource.status).to.equal(409);

      // The practice's own parts stay editable: working hours and absences.
      const current = imported.practitioners.find((p) => p.id === 'dr-muster')! as Record<string, unknown>;
      const hours = await admin.request('PUT', '/catalogue/practitioners/dr-muster', { ...current, id: undefined });
      expect(hours.status, JSON.stringify(hours.body)).to.equal(200);
      const absence = await admin.request('POST', '/catalogue/absences', {
        practitionerId: 'dr-muster',
        startsAt: '2031-03-03T00:00',
        endsAt: '2031-03-04T00:00',
        reason: null,
      });
      expect(absence.status, JSON.stringify(absence.body)).to.equal(201);
      const added = (absence.body as unknown as { absences: { id: string; startsAt: string }[] }).absences.find(
        (a) => a.startsAt === '2031-03-03T00:00',
      )!;
      expect((await admin.request('DELETE', `/catalogue/absences/${added.id}`)).status).to.equal(200);

      // The practice system renames back; the console follows.
      await importFromPracticeSystem(imported, { 'dr-muster': muster.displayName });
      await waitFor(
        async () => {
          const body = (await admin.request('GET', '/catalogue')).body as unknown as Catalogue;
          return body.practitioners.find((p) => p.id === 'dr-muster')?.displayName === muster.displayName
            ? true
            : undefined;
        },
        { timeoutMs: 20000, intervalMs: 200, what: 'the name back from the practice system' },
      );
    });
  });

  describe('bookings', () => {
    let slot: OfferedSlot;
    let bookingId: string;
    let patientEmail: string;
    const cancelReason = 'Dr. Muster ist krank <leider>';

    before(async () => {
      // A week's deadline puts the booking inside it: the patient could no longer cancel online, the practice can.
      const admin = await signedIn(adminEmail, adminPassword);
      const rules = await admin.request('PATCH', '/settings', {
        confirmationWindowMinutes: 15,
        cancellationDeadlineHours: 168,
      });
      expect(rules.status).to.equal(200);
      const slots = await offeredSlots(stack.gatewayUrl, { appointmentType: 'checkup', practitioner: 'dr-muster' });
      // Two days ahead: clear of the earliest slot, which an earlier test holds, and inside the week.
      slot = slots.find((s) => Date.parse(s.start) > Date.now() + 2 * 86400_000)!;
      const request = aHoldRequest(slot);
      patientEmail = request.patient.email;
      const links = await listenForLinkTokens(stack.env.AMQP_URL!);
      const hold = await postJson(`${stack.gatewayUrl}/api/v1/holds`, request);
      expect(hold.status, JSON.stringify(hold.body)).to.equal(201);
      bookingId = hold.body.bookingId as string;
      const token = await links.confirmTokenOf(bookingId);
      await links.stop();
      const confirmed = await postJson(`${stack.gatewayUrl}/api/v1/bookings/confirm`, { token });
      expect(confirmed.status).to.equal(200);
    });

    it('when staff list the day of a booking, then it is there with the patient and its history', async () => {
      const staff = await signedIn(staffEmail, staffPassword);
      const day = new Date(Date.parse(slot.start));
      const from = new Date(day.getTime() - 12 * 3600_000).toISOString();
      const to = new Date(day.getTime() + 12 * 3600_000).toISOString();
      const answer = await staff.request(
        'GET',
        `/bookings?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}&status=confirmed&practitioner=dr-muster`,
      );
      expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
      const bookings = answer.body.bookings as { bookingId: string; patient: { email: string }; status: string }[];
      const found = bookings.find((b) => b.bookingId === bookingId);
      expect(found?.status).to.equal('confirmed');
      expect(found?.patient.email).to.equal(patientEmail);
      const detail = await staff.request('GET', `/bookings/${bookingId}`);
      expect(detail.status).to.equal(200);
      const booking = detail.body.booking as { changeableUntil: string };
      expect(Date.parse(booking.changeableUntil)).to.be.below(Date.now());
      expect((detail.body.history as { what: string }[]).map((h) => h.what)).to.deep.equal(['held', 'confirmed']);
      const unknown = await staff.request('GET', '/bookings/00000000-0000-4000-8000-000000000000');
      expect(unknown.status).to.equal(404);
    });

    it('when the list is paged, then the pages follow each other without gaps or repeats', async () => {
      const staff = await signedIn(staffEmail, staffPassword);
      const from = new Date(Date.now() - 86400_000).toISOString();
      const to = new Date(Date.now() + 400 * 86400_000).toISOString();
      const all = await staff.request(
        'GET',
        `/bookings?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}&limit=200`,
      );
      const ids = (all.body.bookings as { bookingId: string }[]).map((b) => b.bookingId);
      expect(ids.length).to.be.above(1);
      const paged: string[] = [];
      let cursor: string | null = null;
      do {
        const page: Awaited<ReturnType<AdminClient['request']>> = await staff.request(
          'GET',
          `/bookings?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}&limit=1${cursor ? `&cursor=${cursor}` : ''}`,
        );
        paged.push(...(page.body.bookings as { bookingId: string }[]).map((b) => b.bookingId));
        cursor = page.body.nextCursor as string | null;
      } while (cursor);
      expect(paged).to.deep.equal(ids);
      const backwards = await staff.request(
        'GET',
        `/bookings?from=${encodeURIComponent(to)}&to=${encodeURIComponent(from)}`,
      );
      expect(backwards.status).to.equal(400);
      expect(backwards.body.code).to.equal('DATE_RANGE_INVALID');
    });

    it('when staff cancel a booking with a reason, then the patient gets the message with the reason and the slot is offered again', async () => {
      const staff = await signedIn(staffEmail, staffPassword);
      const withoutReason = await staff.request('POST', `/bookings/${bookingId}/cancel`, {});
      expect(withoutReason.status).to.equal(400);
      const cancelled = await staff.request('POST', `/bookings/${bookingId}/cancel`, { reason: cancelReason });
      expect(cancelled.status, JSON.stringify(cancelled.body)).to.deep.equal(200);
      expect(cancelled.body).to.deep.equal({ bookingId, status: 'cancelled' });
      const again = await staff.request('POST', `/bookings/${bookingId}/cancel`, { reason: 'twice' });
      expect(again.status).to.equal(409);
      expect(again.body.code).to.equal('ILLEGAL_TRANSITION');
      const message = await waitFor(
        () =>
          stack.smtp.messages.find(
            (m) => JSON.stringify(m.to ?? '').includes(patientEmail) && /von der Praxis abgesagt/.test(m.subject ?? ''),
          ),
        { timeoutMs: 20000, what: 'the cancellation message to reach the patient' },
      );
      // The patient booked in German: the message is German, the reason as staff wrote it, escaped in HTML.
      expect(message.text).to.include('Wir mussten Ihren Termin absagen');
      expect(message.text).to.include(cancelReason);
      expect(message.html).to.include('Dr. Muster ist krank &#60;leider&#62;');
      expect(message.html).to.not.include('<leider>');
      await waitFor(
        async () => {
          const day = slot.start.slice(0, 10);
          const { body } = await getJson(
            `${stack.gatewayUrl}/api/v1/availability?appointmentType=checkup&practitioner=dr-muster&from=${day}&to=${day}`,
          );
          const days = body.days as { slots: OfferedSlot[] }[];
          return days.flatMap((d) => d.slots).some((s) => s.start === slot.start) ? true : undefined;
        },
        { timeoutMs: 10000, what: 'the slot to be offered again' },
      );
    });
  });

  describe('webhooks', () => {
    let receiver: WebhookReceiver;
    before(async () => {
      receiver = await startWebhookReceiver();
    });
    after(async () => {
      await receiver?.stop();
    });

    it('when an admin adds an endpoint, then it gets the events signed with the secret shown once, and the list shows its deliveries', async () => {
      const admin = await signedIn(adminEmail, adminPassword);
      const added = await admin.request('POST', '/webhooks', {
        url: `${receiver.url}/console?key=k1`,
        description: 'CRM',
        events: ['booking.held'],
      });
      expect(added.status, JSON.stringify(added.body)).to.equal(201);
      const endpoint = added.body.endpoint as { id: string; enabled: boolean; personalData: string };
      const secret = added.body.secret as string;
      expect(endpoint).to.include({ enabled: true, personalData: 'none' });

      const [slot] = await offeredSlots(stack.gatewayUrl, { appointmentType: 'checkup', practitioner: 'dr-muster' });
      const hold = await postJson(`${stack.gatewayUrl}/api/v1/holds`, aHoldRequest(slot));
      expect(hold.status).to.equal(201);
      const [request] = await waitFor(
        () => receiver.accepted('/console?key=k1')[0] && receiver.accepted('/console?key=k1'),
        {
          what: 'the webhook',
          timeoutMs: 20000,
        },
      );
      new Webhook(secret).verify(request!.body, request!.headers as Record<string, string>);

      const listed = await waitFor(
        async () => {
          const { body } = await admin.request('GET', '/webhooks');
          const found = (body.endpoints as { id: string; recentDeliveries: { status: string }[] }[]).find(
            (e) => e.id === endpoint.id,
          );
          return found?.recentDeliveries[0]?.status === 'delivered' ? found : undefined;
        },
        { what: 'the delivery in the list' },
      );
      expect(listed).to.include({ url: `${receiver.url}/console?key=k1`, description: 'CRM' });
      expect(JSON.stringify(listed)).to.not.include(secret);
    });

    it('when an admin disables, enables and rotates, then the endpoint follows and each step is in the audit log without the URL', async () => {
      const admin = await signedIn(adminEmail, adminPassword);
      const added = await admin.request('POST', '/webhooks', { url: `${receiver.url}/rotated?key=k2` });
      const { id } = added.body.endpoint as { id: string };
      const disabled = await admin.request('POST', `/webhooks/${id}/disable`);
      expect(disabled.status).to.equal(200);
      expect(disabled.body).to.include({ enabled: false, disabledReason: 'operator' });
      expect((await admin.request('POST', `/webhooks/${id}/enable`)).body).to.include({ enabled: true });
      const rotated = await admin.request('POST', `/webhooks/${id}/rotate-secret`, { graceHours: 2 });
      expect(rotated.status).to.equal(200);
      expect(rotated.body.secret)
        .to.match(/^whsec_/)
        .and.not.equal(added.body.secret);

      const audit = await admin.request('GET', '/audit?limit=50');
      const mine = (audit.body.entries as { action: string; target?: string }[]).filter((e) => e.target === id);
      expect(mine.map((e) => e.action).sort()).to.deep.equal([
        'webhook.add',
        'webhook.disable',
        'webhook.enable',
        'webhook.rotate-secret',
      ]);
      expect(JSON.stringify(audit.body)).to.not.include('key=k2').and.not.include(String(rotated.body.secret));
    });

    it('when the URL is plain http to another host or the id unknown, then 400 VALIDATION_FAILED or 404 NOT_FOUND', async () => {
      const admin = await signedIn(adminEmail, adminPassword);
      const plain = await admin.request('POST', '/webhooks', { url: 'http://crm.practice.test/hooks' });
      expect(plain.status).to.equal(400);
      expect(plain.body.code).to.equal('VALIDATION_FAILED');
      const unknown = await admin.request('POST', '/webhooks/00000000-0000-4000-8000-000000000000/disable');
      expect(unknown.status).to.equal(404);
      expect(unknown.body.code).to.equal('NOT_FOUND');
    });
  });

  describe('stopped work: parked sync jobs and dead letters', () => {
    let admin: AdminClient;
    before(async () => {
      admin = await signedIn(adminEmail, adminPassword);
    });

    const syncStatusOf = async (bookingId: string) =>
      (
        await pool.query<{ status: string }>(
          `SELECT status FROM pixelmedics_sync.sync_jobs WHERE booking_id = $1 AND event_type = 'booking.held'`,
          [bookingId],
        )
      ).rows[0]?.status;

    it('when the practice system refused a booking event, then an admin sees the job, retries it and the sync applies it', async () => {
      const slot = (await offeredSlots(stack.gatewayUrl, { appointmentType: 'checkup', practitioner: 'dr-muster' })).at(
        -2,
      )!;
      const hold = await postJson(`${stack.gatewayUrl}/api/v1/holds`, aHoldRequest(slot));
      expect(hold.status, JSON.stringify(hold.body)).to.equal(201);
      const bookingId = hold.body.bookingId as string;
      await waitFor(async () => ((await syncStatusOf(bookingId)) === 'done' ? true : undefined), {
        timeoutMs: 20000,
        what: 'the held event applied in the practice calendar',
      });
      // The state the worker leaves a refused event in (ADR 40): parked for staff with the refusal.
      await pool.query(
        `UPDATE pixelmedics_sync.sync_jobs SET status = 'failed', attempts = 1, last_error = '422 unknown appointment type'
          WHERE booking_id = $1 AND event_type = 'booking.held'`,
        [bookingId],
      );

      const listed = await admin.request('GET', '/parked-sync-jobs');
      expect(listed.status).to.equal(200);
      const job = (listed.body.jobs as { seq: string; bookingId: string; eventType: string; lastError: string }[]).find(
        (j) => j.bookingId === bookingId,
      );
      expect(job).to.include({ eventType: 'booking.held', lastError: '422 unknown appointment type' });

      const retried = await admin.request('POST', '/parked-sync-jobs/retry', { seq: job!.seq });
      expect(retried.status, JSON.stringify(retried.body)).to.equal(200);
      expect(retried.body).to.deep.equal({ retried: [job!.seq] });
      await waitFor(async () => ((await syncStatusOf(bookingId)) === 'done' ? true : undefined), {
        timeoutMs: 20000,
        what: 'the retried job applied again',
      });
      const after = await admin.request('GET', '/parked-sync-jobs');
      expect((after.body.jobs as { bookingId: string }[]).some((j) => j.bookingId === bookingId)).to.equal(false);

      const unknown = await admin.request('POST', '/parked-sync-jobs/retry', { seq: '999999999' });
      expect(unknown.status).to.equal(404);
      expect(unknown.body.code).to.equal('NOT_FOUND');
      const audit = await admin.request('GET', '/audit?action=sync-jobs.retry');
      const entry = (audit.body.entries as { accountEmail: string; target: string }[]).find(
        (e) => e.target === job!.seq,
      );
      expect(entry?.accountEmail).to.equal(adminEmail);
    });

    it('when a booking is in the practice calendar, then its detail says synced; when the practice system refuses its next event, then parked with the code', async () => {
      const staff = await signedIn(staffEmail, staffPassword);
      type SyncState = { state: string; syncedAt: string | null; attempts: number; errorCode: string | null };
      const syncOf = async (bookingId: string) => {
        const detail = await staff.request('GET', `/bookings/${bookingId}`);
        expect(detail.status, JSON.stringify(detail.body)).to.equal(200);
        return (detail.body.booking as { sync: SyncState }).sync;
      };
      const slot = (await offeredSlots(stack.gatewayUrl, { appointmentType: 'checkup', practitioner: 'dr-muster' })).at(
        -4,
      )!;
      const links = await listenForLinkTokens(stack.env.AMQP_URL!);
      const hold = await postJson(`${stack.gatewayUrl}/api/v1/holds`, aHoldRequest(slot));
      expect(hold.status, JSON.stringify(hold.body)).to.equal(201);
      const bookingId = hold.body.bookingId as string;
      const token = await links.confirmTokenOf(bookingId);
      await links.stop();

      const synced = await waitFor(
        async () => {
          const sync = await syncOf(bookingId);
          return sync.state === 'synced' ? sync : undefined;
        },
        { timeoutMs: 20000, intervalMs: 250, what: 'the held booking synced' },
      );
      expect(synced).to.include({ attempts: 0, errorCode: null });
      expect(Date.parse(synced.syncedAt!)).to.be.within(Date.now() - 60_000, Date.now() + 1000);

      // Someone deletes the entry in the practice calendar: the practice system refuses to confirm it.
      await pool.query('DELETE FROM pixelmedics_sync.pms_calendar_entries WHERE booking_id = $1', [bookingId]);
      const confirmed = await postJson(`${stack.gatewayUrl}/api/v1/bookings/confirm`, { token });
      expect(confirmed.status).to.equal(200);
      const parked = await waitFor(
        async () => {
          const sync = await syncOf(bookingId);
          return sync.state === 'parked' ? sync : undefined;
        },
        { timeoutMs: 20000, intervalMs: 250, what: 'the refused confirmation parked' },
      );
      expect(parked).to.deep.include({ attempts: 1, errorCode: 'PRACTICE_SYSTEM_REFUSED', syncedAt: synced.syncedAt });
      const listed = await admin.request('GET', '/parked-sync-jobs');
      const job = (listed.body.jobs as { bookingId: string; eventType: string }[]).find(
        (j) => j.bookingId === bookingId,
      );
      expect(job?.eventType).to.equal('booking.confirmed');
    });

    it('when a consumer parked a message it cannot read, then an admin sees it without its payload and its owner replays it', async () => {
      const messageId = `unreadable-${Date.now()}`;
      // A booking.held from a producer of another version: every consumer of the event parks it as invalid.
      await publishToEvents(stack.env.AMQP_URL!, 'booking.held', Buffer.from('{"secret-payload":"Anna Beispiel"}'), {
        messageId,
        type: 'booking.held',
      });
      type Listing = {
        services: {
          service: string;
          available: boolean;
          queues: { queue: string; parked: number; messages: { messageId: string; reason: string; type: string }[] }[];
        }[];
      };
      const parkedIn = async (queue: string) => {
        const answer = await admin.request('GET', '/dead-letters');
        expect(answer.status).to.equal(200);
        const listing = answer.body as unknown as Listing;
        const found = listing.services
          .flatMap((s) => s.queues)
          .find((q) => q.queue === queue)
          ?.messages.find((m) => m.messageId === messageId);
        return found ? { listing, found } : undefined;
      };
      const { listing, found } = await waitFor(() => parkedIn('pixelmedics-sync.events'), {
        timeoutMs: 20000,
        intervalMs: 500,
        what: 'the unreadable message parked by pixelmedics-sync',
      });
      expect(found).to.include({ reason: 'invalid', type: 'booking.held' });
      expect(listing.services.map((s) => [s.service, s.available])).to.deep.equal([
        ['hold-manager', true],
        ['availability', true],
        ['notification', true],
        ['pixelmedics-sync', true],
      ]);
      expect(JSON.stringify(listing)).to.not.include('Anna Beispiel');

      const replayed = await admin.request('POST', '/dead-letters/replay', {
        service: 'pixelmedics-sync',
        queue: 'pixelmedics-sync.events',
      });
      expect(replayed.status, JSON.stringify(replayed.body)).to.equal(200);
      expect(replayed.body.replayed).to.be.at.least(1);
      // Back at its consumer, which cannot read it any better: it is parked again, not lost.
      await waitFor(() => parkedIn('pixelmedics-sync.events'), {
        timeoutMs: 20000,
        intervalMs: 500,
        what: 'the replayed message parked again',
      });

      const wrongOwner = await admin.request('POST', '/dead-letters/replay', {
        service: 'availability',
        queue: 'pixelmedics-sync.events',
      });
      expect(wrongOwner.status).to.equal(404);
      const unknownService = await admin.request('POST', '/dead-letters/replay', { service: 'gateway', queue: 'x' });
      expect(unknownService.status).to.equal(400);
      const audit = await admin.request('GET', '/audit?action=dead-letters.replay');
      const entry = (audit.body.entries as { accountEmail: string; target: string; details: object }[]).find(
        (e) => e.target === 'pixelmedics-sync.events',
      );
      expect(entry?.accountEmail).to.equal(adminEmail);
      expect(entry?.details).to.deep.include({ service: 'pixelmedics-sync' });
    });
  });

  describe('audit log', () => {
    it('when staff acted, then the log names the acting user, the action and the client address', async () => {
      const admin = await signedIn(adminEmail, adminPassword);
      const answer = await admin.request('GET', '/audit?limit=500');
      expect(answer.status).to.equal(200);
      const entries = answer.body.entries as {
        accountEmail: string;
        action: string;
        target?: string;
        clientAddress: string;
        details: Record<string, unknown>;
      }[];
      const settings = entries.find((e) => e.action === 'settings.update');
      expect(settings?.accountEmail).to.equal(adminEmail);
      expect(settings?.details).to.have.property('changes');
      const cancel = entries.find((e) => e.action === 'booking.cancel');
      expect(cancel?.accountEmail).to.equal(staffEmail);
      expect(cancel?.details).to.deep.equal({ reason: 'Dr. Muster ist krank <leider>' });
      expect(cancel?.clientAddress).to.match(/^198\.51\.100\.\d+$/);
      // Every read of patient data: the booking opened, and the bookings a list showed.
      const read = entries.find((e) => e.action === 'booking.read');
      expect(read?.accountEmail).to.equal(staffEmail);
      expect(read?.target).to.match(/^[0-9a-f-]{36}$/);
      // Staff also open bookings no list showed them (a link), so any read of a listed booking will do.
      const reads = entries.filter((e) => e.action === 'booking.read' && e.accountEmail === staffEmail);
      const listedIt = entries.some(
        (e) =>
          e.action === 'booking.list' &&
          e.accountEmail === staffEmail &&
          reads.some((r) => (e.details.bookingIds as string[]).includes(r.target!)),
      );
      expect(listedIt, 'a list entry names the booking it showed').to.equal(true);
      expect(entries.some((e) => e.action === 'session.create' && e.accountEmail === adminEmail)).to.equal(true);
      const filtered = await admin.request('GET', '/audit?action=booking.cancel');
      expect((filtered.body.entries as { action: string }[]).every((e) => e.action === 'booking.cancel')).to.equal(
        true,
      );
    });
  });

  describe('the create-admin command', () => {
    it('when run without an e-mail, then it refuses and creates nothing', async () => {
      const count = async () =>
        (await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM gateway.staff_accounts')).rows[0]!.n;
      const before = await count();
      const result = await runServiceCommand('gateway', stack.env, ['create-admin', '--role', 'admin']);
      expect(result.code).to.equal(64);
      expect(result.stderr).to.match(/usage: main\.js create-admin --email/);
      expect(await count()).to.equal(before);
    });

    it('when a password is piped in with --password-stdin, then the account signs in with it and it is printed nowhere', async () => {
      const email = 'piped@practice.test';
      const password = 'ein langes Passwort aus stdin 7';
      secrets.push(password);
      const created = await runServiceCommand(
        'gateway',
        stack.env,
        ['create-admin', '--email', email, '--role', 'staff', '--password-stdin'],
        `${password}\n`,
      );
      expect(created.code, created.stderr).to.equal(0);
      expect(created.stdout).to.equal(`created staff account ${email}\n`);
      expect(created.stdout + created.stderr).not.to.include(password);
      const client = aClient();
      const answer = await client.signIn(email, password);
      expect(answer.status).to.equal(200);
      expect((answer.body.user as { role: string }).role).to.equal('staff');

      // Run again for the same e-mail: a new password, and the sessions of the old one end.
      const replaced = 'ein anderes langes Passwort 8';
      secrets.push(replaced);
      const reset = await runServiceCommand(
        'gateway',
        stack.env,
        ['create-admin', '--email', email, '--role', 'staff', '--password-stdin'],
        replaced,
      );
      expect(reset.code, reset.stderr).to.equal(0);
      expect(reset.stdout).to.equal(`reset the password of staff account ${email}\n`);
      expect((await client.request('GET', '/session')).status).to.equal(401);
      expect((await aClient().signIn(email, password)).status).to.equal(401);
      expect((await aClient().signIn(email, replaced)).status).to.equal(200);
      const { rows } = await pool.query<{ action: string }>(
        `SELECT action FROM gateway.audit_log WHERE account_email = $1 AND action LIKE 'account.%' ORDER BY id`,
        [email],
      );
      expect(rows.map((row) => row.action)).to.deep.equal(['account.create', 'account.reset-password']);
    });

    it('when the piped password is shorter than 12 characters, then it refuses and creates nothing', async () => {
      const result = await runServiceCommand(
        'gateway',
        stack.env,
        ['create-admin', '--email', 'short@practice.test', '--password-stdin'],
        'kurz 123\n',
      );
      expect(result.code).to.equal(64);
      expect(result.stderr).to.match(/at least 12 characters/);
      const { rowCount } = await pool.query(`SELECT 1 FROM gateway.staff_accounts WHERE email = 'short@practice.test'`);
      expect(rowCount).to.equal(0);
    });
  });

  describe('logs', () => {
    it('when all of the above ran, then no log line of any service holds a password, password hash, session id or CSRF token', async () => {
      const { rows } = await pool.query<{ password_hash: string }>('SELECT password_hash FROM gateway.staff_accounts');
      const forbidden = [...secrets, ...rows.map((r) => r.password_hash)];
      expect(forbidden.length).to.be.above(10);
      for (const service of Object.values(stack.services)) {
        const text = service.logs.map((line) => JSON.stringify(line)).join('\n');
        expect(text.length, `${service.name} wrote logs`).to.be.above(0);
        for (const secret of forbidden)
          expect(text.includes(secret), `${service.name} logged a secret`).to.equal(false);
      }
    });
  });
});
