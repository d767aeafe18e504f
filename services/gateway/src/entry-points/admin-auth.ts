import { AppError } from '@otk/contracts';
import type { Broker } from '@otk/messaging';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type pg from 'pg';
import { type AuditEntry, appendAudit } from '../data-access/audit.repository.js';
import { type SessionTimeouts, touchSession } from '../data-access/session.repository.js';
import { csrfTokenOf, sameSecret, sha256 } from '../domain/secrets.js';
import type { SignedInUser, StaffRole } from '../domain/staff-ports.js';

export const CSRF_HEADER = 'x-otk-csrf';

/** What a console router that asks the owning services over RPC needs. */
export interface ConsoleRpcDeps {
  pool: pg.Pool;
  broker: Broker;
  rpcTimeoutMs: number;
  guard: (access: RouteAccess) => RequestHandler;
}

export interface CookieSettings {
  secure: boolean;
  maxAgeMs: number;
}

/** `__Host-` binds the cookie to this origin over HTTPS; plain HTTP (a local stack) cannot use the prefix. */
export function sessionCookieName(secure: boolean): string {
  return secure ? '__Host-otk-admin' : 'otk-admin';
}

export function sessionTokenOf(req: Request, secure: boolean): string | undefined {
  const name = sessionCookieName(secure);
  for (const part of (req.get('cookie') ?? '').split(';')) {
    const separator = part.indexOf('=');
    if (separator > 0 && part.slice(0, separator).trim() === name) {
      const value = part.slice(separator + 1).trim();
      return /^[A-Za-z0-9_-]{20,100}$/.test(value) ? value : undefined;
    }
  }
  return undefined;
}

export function setSessionCookie(res: Response, token: string, cookie: CookieSettings): void {
  res.cookie(sessionCookieName(cookie.secure), token, {
    httpOnly: true,
    sameSite: 'strict',
    secure: cookie.secure,
    path: '/',
    maxAge: cookie.maxAgeMs,
  });
}

export function clearSessionCookie(res: Response, secure: boolean): void {
  res.clearCookie(sessionCookieName(secure), { httpOnly: true, sameSite: 'strict', secure, path: '/' });
}

export interface Staff extends SignedInUser {
  sessionToken: string;
}

/** The signed-in staff member of a request that passed `requireStaff`. */
export function staffOf(res: Response): Staff {
  const staff = res.locals.staff as Staff | undefined;
  if (!staff) throw new AppError('UNAUTHENTICATED', 'sign in first');
  return staff;
}

export interface StaffGuardOptions {
  pool: pg.Pool;
  timeouts: SessionTimeouts;
  secureCookie: boolean;
}

/** Who may use a route, and whether it needs the CSRF header (every route but reading the session). */
export interface RouteAccess {
  roles: readonly StaffRole[];
  csrf?: boolean;
  /** Open to an admin who still has to enrol TOTP (enrolment itself, signing out). */
  duringTotpSetup?: boolean;
}

/**
 * The session check in front of every console route, in this order: a live session (else 401
 * UNAUTHENTICATED), an admin's TOTP enrolment when the practice requires it, the role (else 403
 * FORBIDDEN), the CSRF header (else 403 CSRF_FAILED).
 */
export function staffGuard(options: StaffGuardOptions): (access: RouteAccess) => RequestHandler {
  return (access) => async (req: Request, res: Response, next: NextFunction) => {
    const token = sessionTokenOf(req, options.secureCookie);
    const user = token ? await touchSession(options.pool, sha256(token), options.timeouts) : undefined;
    if (!token || !user) throw new AppError('UNAUTHENTICATED', 'sign in first');
    res.locals.staff = { ...user, sessionToken: token } satisfies Staff;
    if (!access.duringTotpSetup && user.totpSetupRequired) {
      throw new AppError('TOTP_SETUP_REQUIRED', 'set up a code generator for this account first');
    }
    if (!access.roles.includes(user.role)) throw new AppError('FORBIDDEN', 'this account may not do this');
    const header = req.get(CSRF_HEADER);
    if (access.csrf !== false && (header === undefined || !sameSecret(header, csrfTokenOf(token)))) {
      throw new AppError('CSRF_FAILED', `send the header X-OTK-CSRF with this session's csrfToken`);
    }
    next();
  };
}

/** Appends to the audit log as the request's staff member, from the request's client address. */
export function auditFor(pool: pg.Pool) {
  return (req: Request, res: Response, entry: Omit<AuditEntry, 'accountId' | 'accountEmail' | 'clientAddress'>) => {
    const staff = res.locals.staff as Staff | undefined;
    return appendAudit(pool, {
      ...entry,
      accountId: staff?.accountId ?? null,
      accountEmail: staff?.email ?? null,
      clientAddress: req.ip ?? null,
    });
  };
}
