import { AppError } from '@otk/contracts';
import { expect } from 'chai';
import { generate } from 'otplib';
import { hashPassword } from './passwords.js';
import { csrfTokenOf, sha256 } from './secrets.js';
import { type SignInDeps, signIn } from './sign-in.use-case.js';
import type { AttemptAdmission, StaffAccount, StaffStore } from './staff-ports.js';
import { newTotpSecret, totpMatches } from './totp.js';

const PASSWORD = 'correct horse battery';

/** An in-memory store with the same limits as the gateway's: 5 failures per account, 20 per client. */
function memoryStore(accounts: StaffAccount[], totpRequiredForAdmin = false) {
  const attempts = new Map<string, { account: string; client: string }>();
  const sessions: { idHash: Buffer; accountId: string }[] = [];
  let next = 0;
  const store: StaffStore = {
    findAccountByEmail: async (email) => accounts.find((a) => a.email === email),
    admitAttempt: async ({ accountKey, clientKey }): Promise<AttemptAdmission> => {
      const all = [...attempts.values()];
      const byAccount = all.filter((a) => a.account === accountKey.toString('hex')).length;
      const byClient = all.filter((a) => a.client === clientKey.toString('hex')).length;
      if (byAccount >= 5 || byClient >= 20) return { admitted: false, retryAfterSeconds: 900 };
      const attemptId = String(next++);
      attempts.set(attemptId, { account: accountKey.toString('hex'), client: clientKey.toString('hex') });
      return { admitted: true, attemptId };
    },
    clearAttempt: async (attemptId) => void attempts.delete(attemptId),
    insertSession: async (session) => void sessions.push(session),
    totpRequiredForAdmin: async () => totpRequiredForAdmin,
  };
  return { store, attempts, sessions };
}

async function anAccount(overrides: Partial<StaffAccount> = {}): Promise<StaffAccount> {
  return {
    id: 'a1',
    email: 'reception@example.test',
    role: 'staff',
    passwordHash: await hashPassword(PASSWORD),
    totpSecret: null,
    totpPendingSecret: null,
    ...overrides,
  };
}

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('staff sign-in', function () {
  this.timeout(20000);
  const request = { email: 'Reception@Example.test ', password: PASSWORD, clientAddress: '192.0.2.1' };

  it('when the password is right, then a session is stored by hash only and its CSRF token follows from it', async () => {
    const { store, sessions, attempts } = memoryStore([await anAccount()]);
    const signedIn = await signIn({ store, totpMatches }, request);
    expect(signedIn.user).to.deep.equal({
      email: 'reception@example.test',
      role: 'staff',
      totpEnabled: false,
      totpSetupRequired: false,
    });
    expect(sessions).to.have.length(1);
    expect(sessions[0]!.idHash.equals(sha256(signedIn.sessionToken))).to.equal(true);
    expect(signedIn.csrfToken).to.equal(csrfTokenOf(signedIn.sessionToken));
    expect(attempts.size, 'a right password is no failure').to.equal(0);
  });

  it('when the password is wrong or the e-mail unknown, then both get the same SIGN_IN_FAILED', async () => {
    const { store } = memoryStore([await anAccount()]);
    const wrong = await refusal(signIn({ store, totpMatches }, { ...request, password: 'wrong password!' }));
    const unknown = await refusal(signIn({ store, totpMatches }, { ...request, email: 'nobody@example.test' }));
    expect(wrong.toJSON()).to.deep.equal(unknown.toJSON());
    expect(wrong.code).to.equal('SIGN_IN_FAILED');
  });

  it('when an account failed five times, then the sixth attempt is RATE_LIMITED even with the right password', async () => {
    const { store } = memoryStore([await anAccount()]);
    const deps: SignInDeps = { store, totpMatches };
    for (let i = 0; i < 5; i++) await refusal(signIn(deps, { ...request, password: `wrong ${i} password` }));
    const refused = await refusal(signIn(deps, request));
    expect(refused.code).to.equal('RATE_LIMITED');
    expect(refused.details).to.deep.equal({ retryAfterSeconds: 900 });
  });

  it('when the account has TOTP, then the code is asked for, a wrong one fails and the right one signs in', async () => {
    const secret = newTotpSecret();
    const { store } = memoryStore([await anAccount({ totpSecret: secret })]);
    const deps: SignInDeps = { store, totpMatches };
    expect((await refusal(signIn(deps, request))).code).to.equal('TOTP_REQUIRED');
    expect((await refusal(signIn(deps, { ...request, totp: '000000' }))).code).to.be.oneOf(['SIGN_IN_FAILED']);
    const signedIn = await signIn(deps, { ...request, totp: await generate({ secret }) });
    expect(signedIn.user.totpEnabled).to.equal(true);
  });

  it('when the practice requires TOTP for admins and an admin has none, then the session must enrol first', async () => {
    const { store } = memoryStore([await anAccount({ role: 'admin' })], true);
    const signedIn = await signIn({ store, totpMatches }, request);
    expect(signedIn.user.totpSetupRequired).to.equal(true);
  });
});
