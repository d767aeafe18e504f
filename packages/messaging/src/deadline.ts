import { AsyncLocalStorage } from 'node:async_hooks';
import { AppError } from '@otk/contracts';

/**
 * The deadline of the command being served, as epoch milliseconds: the moment after which its
 * caller no longer waits for the answer. Kept in async context so that code deep in a handler (a
 * transaction about to commit, a nested command) can honour it without passing it along.
 */
const current = new AsyncLocalStorage<number>();

/** Runs `work` with `deadline` as the current one; `undefined` leaves it without one. */
export function withDeadline<T>(deadline: number | undefined, work: () => Promise<T>): Promise<T> {
  return deadline === undefined ? work() : current.run(deadline, work);
}

/** The current deadline, if the code runs on behalf of a command that carries one. */
export function currentDeadline(): number | undefined {
  return current.getStore();
}

/**
 * Throws TIMEOUT once the caller has given up. Call it right before making a change permanent
 * (before COMMIT): what the caller was told failed must not happen afterwards.
 */
export function assertBeforeDeadline(now = Date.now()): void {
  const deadline = current.getStore();
  if (deadline !== undefined && now >= deadline) {
    throw new AppError('TIMEOUT', 'the caller stopped waiting; nothing was changed');
  }
}

/** A deadline from a message header; anything but a finite number means none. */
export function parseDeadline(value: unknown): number | undefined {
  const deadline = typeof value === 'string' || typeof value === 'number' ? Number(value) : Number.NaN;
  return Number.isFinite(deadline) ? deadline : undefined;
}
