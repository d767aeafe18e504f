/**
 * `npm run bench:holds`: how fast provisional requests are held, and how contention ends.
 *
 * In-process first: hold-manager's use case on a database of its own with a local slot check, so
 * the figures show hold-manager and PostgreSQL alone — BENCH_HOLDS uncontended holds (default
 * 1000) by BENCH_CONCURRENCY callers, then BENCH_CONTENDERS callers for one slot.
 *
 * Then a stack of its own (test database and vhost, all five services as processes, the demo
 * practice), then through the gateway over loopback:
 * 1. Uncontended: every offered, non-overlapping check-up slot of the two dentists of the demo
 *    practice (60 days; they share no room) is held once, by BENCH_CONCURRENCY clients at a time
 *    (default 20).
 * 2. Contention: BENCH_CONTENDERS requests (default 200) for one slot at once, BENCH_ROUNDS times
 *    (default 5), each round on another slot.
 * Every request is a full hold: validation, the slot check with availability, the transaction
 * with its exclusion constraint and outbox event.
 * Prints `uncontended holds/s=… p50=… ms p95=… ms` and, per round, winners, refusals and p95.
 */
import { performance } from 'node:perf_hooks';
import { AppError, placeHoldRequestV1 } from '@otk/contracts';
import { placeHold } from '../../services/hold-manager/src/domain/place-hold.use-case.js';
import { aPlaceHoldRequest, setSettings } from '../../services/hold-manager/test/support/practice.js';
import { useCaseHarness } from '../../services/hold-manager/test/support/use-cases.js';
import { startDemoStack } from '../../test/support/demo-stack.js';
import { type OfferedSlot, aHoldRequest, offeredSlots, postJson } from '../../test/support/factories.js';

const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 20);
const contenders = Number(process.env.BENCH_CONTENDERS ?? 200);
const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
const inProcessHolds = Number(process.env.BENCH_HOLDS ?? 1000);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function summary(latencies: number[]): string {
  const sorted = [...latencies].sort((a, b) => a - b);
  return `p50=${percentile(sorted, 50).toFixed(1)} ms p95=${percentile(sorted, 95).toFixed(1)} ms max=${sorted.at(-1)!.toFixed(1)} ms`;
}

async function timedHold(
  url: string,
  body: Record<string, unknown>,
): Promise<{ ms: number; status: number; code: string }> {
  const started = performance.now();
  const { status, body: answer } = await postJson(url, body);
  return { ms: performance.now() - started, status, code: status === 201 ? 'held' : String(answer.code) };
}

async function inProcess(): Promise<void> {
  const h = await useCaseHarness();
  try {
    await setSettings(h.pool, { max_open_holds_per_client: 1_000_000 });
    const requests = Array.from({ length: inProcessHolds }, () => placeHoldRequestV1.parse(aPlaceHoldRequest()));
    const latencies: number[] = [];
    const started = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        for (let next = requests.shift(); next; next = requests.shift()) {
          const t = performance.now();
          await placeHold(h.deps, next);
          latencies.push(performance.now() - t);
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    process.stdout.write(
      `in-process uncontended: ${latencies.length} holds by ${concurrency} callers in ${seconds.toFixed(1)} s → ` +
        `holds/s=${(latencies.length / seconds).toFixed(0)} ${summary(latencies)}\n`,
    );

    const slot = aPlaceHoldRequest();
    const counts: Record<string, number> = {};
    const contended: number[] = [];
    await Promise.all(
      Array.from({ length: contenders }, async () => {
        const t = performance.now();
        const outcome = await placeHold(h.deps, placeHoldRequestV1.parse({ ...aPlaceHoldRequest(), start: slot.start }))
          .then(() => 'held')
          .catch((error: unknown) => (error instanceof AppError ? error.code : 'error'));
        contended.push(performance.now() - t);
        counts[outcome] = (counts[outcome] ?? 0) + 1;
      }),
    );
    process.stdout.write(
      `in-process contention: ${contenders} callers for one slot → ${JSON.stringify(counts)} ${summary(contended)}\n`,
    );
  } finally {
    await h.close();
  }
}

await inProcess();

const stack = await startDemoStack({ env: { RPC_TIMEOUT_MS: '30000' } });
try {
  const holdsUrl = `${stack.gatewayUrl}/api/v1/holds`;
  const slots: { slot: OfferedSlot; type: string }[] = [];
  for (const [type, practitioner] of [
    ['checkup', 'dr-muster'],
    ['checkup', 'dr-keller'],
  ] as const) {
    const found = await offeredSlots(stack.gatewayUrl, { appointmentType: type, practitioner, gapMinutes: 90 });
    slots.push(...found.map((slot) => ({ slot, type })));
  }
  const contended = slots.splice(0, rounds);
  // Warm-up: connections, prepared code paths, the first delay queue.
  for (const { slot, type } of slots.splice(0, 5))
    await timedHold(holdsUrl, aHoldRequest({ ...slot, appointmentTypeId: type }));

  const latencies: number[] = [];
  const outcomes: Record<string, number> = {};
  const queue = [...slots];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        const result = await timedHold(holdsUrl, aHoldRequest({ ...next.slot, appointmentTypeId: next.type }));
        latencies.push(result.ms);
        outcomes[result.code] = (outcomes[result.code] ?? 0) + 1;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  process.stdout.write(
    `uncontended: ${latencies.length} holds by ${concurrency} clients in ${seconds.toFixed(1)} s → ` +
      `holds/s=${(latencies.length / seconds).toFixed(0)} ${summary(latencies)} outcomes=${JSON.stringify(outcomes)}\n`,
  );

  for (const [round, { slot, type }] of contended.entries()) {
    const roundStarted = performance.now();
    const results = await Promise.all(
      Array.from({ length: contenders }, () => timedHold(holdsUrl, aHoldRequest({ ...slot, appointmentTypeId: type }))),
    );
    const counts: Record<string, number> = {};
    for (const r of results) counts[r.code] = (counts[r.code] ?? 0) + 1;
    process.stdout.write(
      `contention round ${round + 1}: ${contenders} requests for one slot in ${(performance.now() - roundStarted).toFixed(0)} ms → ` +
        `${JSON.stringify(counts)} ${summary(results.map((r) => r.ms))}\n`,
    );
  }
} finally {
  await stack.stop();
}
