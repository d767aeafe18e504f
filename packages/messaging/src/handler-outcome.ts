/**
 * What an event handler says it did with one event. Each outcome is counted in
 * `messaging_handler_outcomes_total{queue, event, outcome, reason}`:
 *
 * - `done`: the event changed what it should; it is acked.
 * - `skipped`: nothing to do (a redelivery, a stale event, nobody to tell); it is acked. The
 *   reason says why, so a skip is visible on a dashboard rather than silent.
 * - `retry`: not now (a send failed, the event came early); it comes back after the consumer's
 *   retry delay and uses up one attempt, as a thrown error would. After the last attempt it is
 *   parked in the dead-letter queue with the reason code as its error (the detail goes to the log only).
 *
 * A handler that throws is treated like `retry` (counted as `failed`), unless the error is marked
 * untrusted (`AppError.isTrusted === false`): then the message is put back on the queue and the
 * process ends (see `BrokerOptions.onUntrustedError`).
 */
export type HandlerOutcome =
  | { outcome: 'done' }
  | { outcome: 'skipped'; reason: ReasonCode }
  | { outcome: 'retry'; reason: ReasonCode; detail?: string };

/**
 * A metric label, so a fixed word of the handler's code, never data: lower-case letters, digits
 * and hyphens, e.g. `duplicate`, `stale`, `no-recipient`, `not-due`. Anything else is counted as
 * `invalid-reason` and logged as a bug.
 */
export type ReasonCode = string;

export function done(): HandlerOutcome {
  return { outcome: 'done' };
}

export function skipped(reason: ReasonCode): HandlerOutcome {
  return { outcome: 'skipped', reason };
}

/** `detail` is free text for the log only (never a label nor a dead-letter header); keep personal data out. */
export function retry(reason: ReasonCode, detail?: string): HandlerOutcome {
  return detail === undefined ? { outcome: 'retry', reason } : { outcome: 'retry', reason, detail };
}

const reasonCodePattern = /^[a-z][a-z0-9-]{0,47}$/;

export const invalidReason = 'invalid-reason';

export function isReasonCode(value: unknown): value is ReasonCode {
  return typeof value === 'string' && reasonCodePattern.test(value);
}
