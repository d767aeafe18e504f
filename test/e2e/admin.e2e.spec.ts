import { createPool } from '@otk/db';
import { expect } from 'chai';
import { generate } from 'otplib';
import type pg from 'pg';
import { AdminClient, createStaffAccount } from '../support/admin-client.js';
import { startDemoStack } from '../support/demo-stack.js';
import { type Stack, runServiceCommand } from '../support/stack.js';

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
