import { AppError } from '@otk/contracts';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * SQLSTATEs that mean "the database cannot serve now", not "this statement is wrong": connection
 * exceptions (class 08), a server shutting down or starting up (57P01–57P03), too many connections.
 */
const unavailableStates = /^(08...|57P0[1-3]|53300)$/;
const unavailableSocketCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
/** What node-postgres says when a connection drops or cannot be had; it gives these no code. */
const unavailableMessages = [
  /^Connection terminated/,
  /^timeout exceeded when trying to connect/,
  /is not queryable/,
  /^Query read timeout/,
];

/**
 * True when `error` says the database is out of reach (down, restarting, failing over, or the
 * pool cannot get a connection), so the same request may succeed a moment later. Such errors are
 * answered 503 UNAVAILABLE, never 500, and do not count against an event's delivery attempts.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (unavailableStates.test(code) || unavailableSocketCodes.has(code))) return true;
  if (unavailableMessages.some((pattern) => pattern.test(error.message))) return true;
  // A connection refused on every address of the host comes as an AggregateError.
  return error instanceof AggregateError && error.errors.some(isDatabaseUnavailable);
}

/** The error as the caller should see it: UNAVAILABLE for an unreachable database, otherwise undefined. */
export function unavailableFromDatabase(error: unknown): AppError | undefined {
  return isDatabaseUnavailable(error) ? new AppError('UNAVAILABLE', 'the database is unavailable') : undefined;
}

/**
 * Runs `work` again, with a short backoff (100 ms doubling to 2 s), for as long as it fails because
 * the database is unavailable and `patienceMs` allows; any other error, or the last one, is thrown.
 * For a write that must not be lost once something outside the database has happened, such as
 * recording that an e-mail went out.
 */
export async function retryWhileUnavailable<T>(
  work: () => Promise<T>,
  options: { patienceMs: number; onRetry?: (error: unknown) => void },
): Promise<T> {
  const giveUpAt = Date.now() + options.patienceMs;
  for (let delayMs = 100; ; delayMs = Math.min(delayMs * 2, 2000)) {
    try {
      return await work();
    } catch (error) {
      if (!isDatabaseUnavailable(error) || Date.now() + delayMs > giveUpAt) throw error;
      options.onRetry?.(error);
      await sleep(delayMs);
    }
  }
}
