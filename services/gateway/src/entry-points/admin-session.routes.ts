import { AppError, personText } from '@otk/contracts';
import { Router } from 'express';
import type pg from 'pg';
import { z } from 'zod';
import { appendAudit } from '../data-access/audit.repository.js';
import { readTotpRequiredForAdmin } from '../data-access/staff.repository.js';
import { deleteSession, deleteSessionsOf } from '../data-access/session.repository.js';
import { disableTotp, enableTotp, findAccountByEmail, setPendingTotpSecret } from '../data-access/staff.repository.js';
import { csrfTokenOf, sha256 } from '../domain/secrets.js';
import { type SignInDeps, signIn } from '../domain/sign-in.use-case.js';
import { newTotpSecret, totpMatches, totpUri } from '../domain/totp.js';
import {
  type CookieSettings,
  type RouteAccess,
  auditFor,
  clearSessionCookie,
  setSessionCookie,
  staffOf,
} from './admin-auth.js';
import type { RequestHandler } from 'express';
import { parseInput } from './validate.js';

const signInBody = z.object({
  email: personText({ min: 3, max: 254 }),
  password: z.string().min(1).max(1024),
  totp: z.string().trim().min(1).max(10).optional(),
});
const codeBody = z.object({ code: z.string().trim().min(1).max(10) });

const everyone = ['admin', 'staff'] as const;

/**
 * Signing in and out of the console (`/api/v1/admin/session`), signing out everywhere
 * (`/sessions`), and the account's own TOTP code generator (`/account/totp`).
 */
export function adminSessionRoutes(deps: {
  pool: pg.Pool;
  signIn: SignInDeps;
  cookie: CookieSettings;
  guard: (access: RouteAccess) => RequestHandler;
}): Router {
  const router = Router();
  const audit = auditFor(deps.pool);
  const { guard, pool } = deps;

  router.post('/session', async (req, res) => {
    const body = parseInput(signInBody, req.body);
    try {
      const signedIn = await signIn(deps.signIn, { ...body, clientAddress: req.ip ?? 'unknown' });
      setSessionCookie(res, signedIn.sessionToken, deps.cookie);
      await appendAudit(pool, {
        accountId: signedIn.accountId,
        accountEmail: signedIn.user.email,
        action: 'session.create',
        clientAddress: req.ip ?? null,
      });
      res.status(200).set('cache-control', 'no-store').json({ csrfToken: signedIn.csrfToken, user: signedIn.user });
    } catch (error) {
      if (error instanceof AppError && error.code === 'RATE_LIMITED') {
        res.set('retry-after', String(error.details?.retryAfterSeconds ?? 60));
      }
      throw error;
    }
  });

  router.get('/session', guard({ roles: everyone, csrf: false, duringTotpSetup: true }), (_req, res) => {
    const staff = staffOf(res);
    res
      .status(200)
      .set('cache-control', 'no-store')
      .json({
        csrfToken: csrfTokenOf(staff.sessionToken),
        user: {
          email: staff.email,
          role: staff.role,
          totpEnabled: staff.totpEnabled,
          totpSetupRequired: staff.totpSetupRequired,
        },
      });
  });

  router.delete('/session', guard({ roles: everyone, duringTotpSetup: true }), async (req, res) => {
    await deleteSession(pool, sha256(staffOf(res).sessionToken));
    await audit(req, res, { action: 'session.delete' });
    clearSessionCookie(res, deps.cookie.secure);
    res.status(204).end();
  });

  router.delete('/sessions', guard({ roles: everyone, duringTotpSetup: true }), async (req, res) => {
    const ended = await deleteSessionsOf(pool, staffOf(res).accountId);
    await audit(req, res, { action: 'session.delete-all', details: { ended } });
    clearSessionCookie(res, deps.cookie.secure);
    res.status(204).end();
  });

  router.post('/account/totp', guard({ roles: everyone, duringTotpSetup: true }), async (req, res) => {
    const staff = staffOf(res);
    if (staff.totpEnabled) throw new AppError('ILLEGAL_TRANSITION', 'this account already has a code generator');
    const secret = newTotpSecret();
    await setPendingTotpSecret(pool, staff.accountId, secret);
    await audit(req, res, { action: 'totp.enrol-start' });
    res
      .status(200)
      .set('cache-control', 'no-store')
      .json({ secret, uri: totpUri(secret, staff.email) });
  });

  router.post('/account/totp/confirm', guard({ roles: everyone, duringTotpSetup: true }), async (req, res) => {
    const { code } = parseInput(codeBody, req.body);
    const staff = staffOf(res);
    const account = await findAccountByEmail(pool, staff.email);
    const pending = account?.totpPendingSecret;
    if (!account || !pending) throw new AppError('ILLEGAL_TRANSITION', 'start setting up a code generator first');
    if (!(await totpMatches(pending, code))) {
      throw new AppError('VALIDATION_FAILED', 'the code is not right', {
        fields: [{ path: 'code', message: 'wrong' }],
      });
    }
    await enableTotp(pool, account.id, pending);
    await audit(req, res, { action: 'totp.enable' });
    res.status(204).end();
  });

  router.delete('/account/totp', guard({ roles: everyone }), async (req, res) => {
    const { code } = parseInput(codeBody, req.body);
    const staff = staffOf(res);
    const account = await findAccountByEmail(pool, staff.email);
    if (!account?.totpSecret) throw new AppError('ILLEGAL_TRANSITION', 'this account has no code generator');
    if (account.role === 'admin' && (await readTotpRequiredForAdmin(pool))) {
      throw new AppError('FORBIDDEN', 'the practice requires a code generator for admins');
    }
    if (!(await totpMatches(account.totpSecret, code))) {
      throw new AppError('VALIDATION_FAILED', 'the code is not right', {
        fields: [{ path: 'code', message: 'wrong' }],
      });
    }
    await disableTotp(pool, account.id);
    await audit(req, res, { action: 'totp.disable' });
    res.status(204).end();
  });

  return router;
}
