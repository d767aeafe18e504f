/** How failed webhook attempts are retried and when a failing endpoint is disabled (ADR 34). */
export interface WebhookRetryPolicy {
  /** Waits after the 1st, 2nd, … failed attempt; the last one repeats. */
  retryDelaysMs: number[];
  /** Attempts of one delivery before it is given up. */
  maxAttempts: number;
  /** An endpoint is disabled after this many failed attempts in a row … */
  disableAfterFailures: number;
  /** … that span at least this long (a short outage never disables an endpoint). */
  disableAfterMs: number;
}

export type AttemptOutcome =
  { result: 'delivered'; httpStatus: number } | { result: 'failed'; httpStatus: number | null; error: string };

/** What becomes of a delivery after a failed attempt: tried again later, or given up. */
export function afterFailedAttempt(
  attempts: number,
  now: Date,
  policy: WebhookRetryPolicy,
): { status: 'pending'; nextAttemptAt: Date } | { status: 'failed' } {
  if (attempts >= policy.maxAttempts) return { status: 'failed' };
  const delays = policy.retryDelaysMs;
  const delay = delays[Math.min(attempts, delays.length) - 1] ?? delays[delays.length - 1] ?? 0;
  return { status: 'pending', nextAttemptAt: new Date(now.getTime() + delay) };
}

/** The endpoint's failure streak after an attempt, and whether it must now be disabled. */
export function failureStreak(
  before: { consecutiveFailures: number; failingSince: Date | null },
  outcome: AttemptOutcome,
  now: Date,
  policy: WebhookRetryPolicy,
): { consecutiveFailures: number; failingSince: Date | null; disable: boolean } {
  if (outcome.result === 'delivered') return { consecutiveFailures: 0, failingSince: null, disable: false };
  const consecutiveFailures = before.consecutiveFailures + 1;
  const failingSince = before.failingSince ?? now;
  const disable =
    consecutiveFailures >= policy.disableAfterFailures &&
    now.getTime() - failingSince.getTime() >= policy.disableAfterMs;
  return { consecutiveFailures, failingSince, disable };
}
