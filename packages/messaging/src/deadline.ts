import { AsyncLocalStorage } from 'node:async_hooks';
import { AppError } from '@otk/contracts';

/**
 * The caller of the command being served: the moment after which it no longer waits for the
 * answer (epoch milliseconds), and whether an answer can still reach it. Kept in async context so
 * that code deep in a handler (a transaction about to commit, a nested command) can honour both
 * without passing them along.
 */
export interface Caller {
  deadline?: number;
  /** False once the connection the request came in on is gone: its reply would be lost. */
  canReply?: () => boolean;
}

const current = new AsyncLocalStorage<Caller>();

/** Runs `work` on behalf of `caller`. */
export function withCaller<T>(caller: Caller, work: () => Promise<T>): Promise<T> {
  return current.run(caller, work);
}

/** The current deadline, if the code runs on behalf of a command that carries one. */
export function currentDeadline(): number | undefined {
  return current.getStore()?.deadline;
}

/**
 * Throws once the caller can no longer learn of a change: TIMEOUT after its deadline, UNAVAILABLE
 * once the connection its reply would travel on is gone. Call it right before making a change
 * permanent (before COMMIT): what the caller was told failed must not happen afterwards.
 */
export function assertBeforeDeadline(now = Date.now()): void {
  const caller = current.getStore();
  if (caller?.deadline !== undefined && now >= caller.deadline) {
    throw new AppError('TIMEOUT', 'the caller stopped waiting; nothing was changed');
  }
  if (caller?.canReply && !caller.canReply()) {
    throw new AppError('UNAVAILABLE', 'the broker connection fell; nothing was changed');
  }
}

/** A deadline from a message header; anything but a finite number means none. */
export function parseDeadline(value: unknown): number | undefined {
  const deadline = typeof value === 'string' || typeof value === 'number' ? Number(value) : Number.NaN;
  return Number.isFinite(deadline) ? deadline : undefined;
}
