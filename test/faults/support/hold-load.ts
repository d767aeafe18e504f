import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { type OfferedSlot, aHoldRequest } from '../../support/factories.js';

/** One POST /api/v1/holds as the client saw it. `status` 0: no HTTP answer at all. */
export interface HoldAttempt {
  idempotencyKey: string;
  body: ReturnType<typeof aHoldRequest>;
  email: string;
  slot: OfferedSlot;
  startedAt: number;
  durationMs: number;
  status: number;
  code?: string;
  bookingId?: string;
  retryAfter?: string | null;
}

/**
 * Bounded load on the gateway: `workers` clients, each placing one hold after another on slots
 * of its own with a pause between requests (a shorter one after a refusal), until stopped or the slots run out. Nothing is
 * retried: every attempt is recorded as it ended. A slot refused with an error is asked for again
 * later by a new patient: it must be free, since what was refused was not carried out.
 */
export class HoldLoad {
  readonly attempts: HoldAttempt[] = [];
  private running = false;
  private loops: Promise<void>[] = [];

  constructor(
    private readonly gatewayUrl: () => string,
    private readonly slots: OfferedSlot[],
    private readonly options: { workers: number; pauseMs: number; pauseAfterErrorMs: number },
  ) {}

  get slotsLeft(): number {
    return this.slots.length;
  }

  start(): void {
    this.running = true;
    this.loops = Array.from({ length: this.options.workers }, () => this.loop());
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
  }

  private async loop(): Promise<void> {
    while (this.running) {
      const slot = this.slots.shift();
      if (!slot) return;
      const attempt = await this.hold(slot);
      this.attempts.push(attempt);
      if (attempt.status >= 500) this.slots.push(slot);
      // Refusals cost no slot and are quick: more of them make the latency figures of an outage
      // firmer. A request without an answer may have been carried out: it keeps its slot.
      await sleep(attempt.status >= 500 ? this.options.pauseAfterErrorMs : this.options.pauseMs);
    }
  }

  private async hold(slot: OfferedSlot): Promise<HoldAttempt> {
    return placeHold(this.gatewayUrl(), randomUUID(), aHoldRequest({ ...slot, appointmentTypeId: 'checkup' }), slot);
  }
}

/** POST /api/v1/holds once; a retry passes the same key and body. */
export async function placeHold(
  gatewayUrl: string,
  idempotencyKey: string,
  body: ReturnType<typeof aHoldRequest>,
  slot: OfferedSlot,
): Promise<HoldAttempt> {
  const startedAt = Date.now();
  const attempt = { idempotencyKey, body, email: body.patient.email, slot, startedAt };
  try {
    const response = await fetch(`${gatewayUrl}/api/v1/holds`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': idempotencyKey },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(15000),
    });
    const answer = (await response.json().catch(() => ({}))) as { bookingId?: string; code?: string };
    return {
      ...attempt,
      durationMs: Date.now() - startedAt,
      status: response.status,
      ...(answer.code ? { code: answer.code } : {}),
      ...(answer.bookingId ? { bookingId: answer.bookingId } : {}),
      retryAfter: response.headers.get('retry-after'),
    };
  } catch {
    return { ...attempt, durationMs: Date.now() - startedAt, status: 0 };
  }
}

/** The p-th percentile (0–100) of `values`, nearest rank; 0 for none. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
