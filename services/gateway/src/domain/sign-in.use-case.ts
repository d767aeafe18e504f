import { AppError } from '@otk/contracts';
import { verifyPassword } from './passwords.js';
import { csrfTokenOf, newSecret, sha256 } from './secrets.js';
import type { StaffRole, StaffStore } from './staff-ports.js';

export interface SignInRequest {
  email: string;
  password: string;
  totp?: string;
  clientAddress: string;
}

export interface SignedIn {
  /** The cookie's value; only its hash is stored. */
  sessionToken: string;
  csrfToken: string;
  accountId: string;
  user: { email: string; role: StaffRole; totpEnabled: boolean; totpSetupRequired: boolean };
}

export interface SignInDeps {
  store: StaffStore;
  totpMatches(secret: string, code: string): Promise<boolean>;
}

/** One message for every failure, so that it never tells whether the e-mail belongs to an account. */
const failed = () => new AppError('SIGN_IN_FAILED', 'the e-mail address, the password or the code is not right');

/**
 * A staff member signs in: the attempt is admitted against the brute-force limits (and counted as
 * a failure until it succeeds), the password is checked (as long for an unknown e-mail as for a
 * known one), then the TOTP code when the account has one; a new session gets its own CSRF token.
 */
export async function signIn(deps: SignInDeps, request: SignInRequest): Promise<SignedIn> {
  const email = request.email.trim().toLowerCase();
  const admission = await deps.store.admitAttempt({
    accountKey: sha256(`account:${email}`),
    clientKey: sha256(`client:${request.clientAddress}`),
  });
  if (!admission.admitted) {
    throw new AppError('RATE_LIMITED', 'too many sign-in attempts; try again later', {
      retryAfterSeconds: admission.retryAfterSeconds,
    });
  }
  const account = await deps.store.findAccountByEmail(email);
  if (!(await verifyPassword(account?.passwordHash, request.password)) || !account) throw failed();
  if (account.totpSecret !== null) {
    if (request.totp === undefined) {
      // The password was right: asking for the code is no failed guess.
      await deps.store.clearAttempt(admission.attemptId);
      throw new AppError('TOTP_REQUIRED', 'this account signs in with a code as well');
    }
    if (!(await deps.totpMatches(account.totpSecret, request.totp))) throw failed();
  }
  await deps.store.clearAttempt(admission.attemptId);
  const totpSetupRequired =
    account.role === 'admin' && account.totpSecret === null && (await deps.store.totpRequiredForAdmin());
  const sessionToken = newSecret();
  await deps.store.insertSession({ idHash: sha256(sessionToken), accountId: account.id });
  return {
    sessionToken,
    csrfToken: csrfTokenOf(sessionToken),
    accountId: account.id,
    user: { email: account.email, role: account.role, totpEnabled: account.totpSecret !== null, totpSetupRequired },
  };
}
