import type { MessagePropertyHeaders } from 'amqplib';

/** Headers this package writes; `x-otk-` keeps them apart from the broker's own `x-` headers. */
export const headerNames = {
  /** Which delivery attempt this is, counted from 1; travels with the message through retries. */
  attempt: 'x-otk-attempt',
  /**
   * The delay queue a message is meant for; the `delay` headers exchange routes on it. No `x-`
   * prefix: a headers exchange ignores `x-` arguments when matching, so every binding would match.
   */
  delayQueue: 'otk-delay-queue',
  /** Why a message was parked in a dead-letter queue: `invalid`, `failed` or `untrusted` (its error kept ending processes). */
  deadLetterReason: 'x-otk-dead-letter-reason',
  /** The parse error or the handler's error message that parked the message. */
  error: 'x-otk-error',
  /** The consumer queue that parked the message; replay it through `redeliver` with this key. */
  queue: 'x-otk-queue',
  /**
   * On a command: epoch milliseconds after which its caller no longer waits. The server does not
   * start the command after it, nor commit its changes (see `deadline.ts`).
   */
  deadline: 'x-otk-deadline',
} as const;

/** The attempt a delivery represents; a missing or garbled header counts as the first. */
export function attemptOf(headers: MessagePropertyHeaders | undefined): number {
  const value = Number(headers?.[headerNames.attempt]);
  return Number.isInteger(value) && value >= 1 ? value : 1;
}
