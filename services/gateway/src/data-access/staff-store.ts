import type pg from 'pg';
import type { StaffStore } from '../domain/staff-ports.js';
import { insertSession } from './session.repository.js';
import { type AttemptLimits, admitAttempt, clearAttempt } from './sign-in-attempt.repository.js';
import { findAccountByEmail, readTotpRequiredForAdmin } from './staff.repository.js';

/** The sign-in's storage on the gateway's own schema. */
export function staffStore(pool: pg.Pool, limits: AttemptLimits): StaffStore {
  return {
    findAccountByEmail: (email) => findAccountByEmail(pool, email),
    admitAttempt: (keys) => admitAttempt(pool, keys, limits),
    clearAttempt: (attemptId) => clearAttempt(pool, attemptId),
    insertSession: (session) => insertSession(pool, session),
    totpRequiredForAdmin: () => readTotpRequiredForAdmin(pool),
  };
}
