/**
 * `npm run bench:holds`: how fast provisional requests are held, and how contention ends.
 *
 * A stack of its own (test database and vhost, all five services as processes, the demo
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
import { startDemoStack } from '../../test/support/demo-stack.js';
import { type OfferedSlot, aHoldRequest, offeredSlots, postJson } from '../../test/support/factories.js';

const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 20);
const contenders = Number(process.env.BENCH_CONTENDERS ?? 200);
const rounds = Number(process.env.BENCH_ROUNDS ?? 5);

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
