/**
 * `npm run bench:holds`: how fast provisional requests are held, and how contention ends.
 *
 * In-process first: hold-manager's use case on a database of its own with a local slot check, so
 * the figures show hold-manager and PostgreSQL alone — BENCH_HOLDS uncontended holds (default
 * 1000) by BENCH_CONCURRENCY callers, then BENCH_CONTENDERS callers for one slot.
 *
 * Then a stack of its own (test database and vhost, all five services as processes, the demo
 * practice, the gateway's default RPC timeout of 5 s), then through the gateway over loopback:
 * 1. Uncontended: every offered, non-overlapping check-up slot of the two dentists of the demo
 *    practice (60 days; they share no room) is held once, by BENCH_CONCURRENCY clients at a time
 *    (default 20).
 * 2. Funnel: BENCH_FUNNEL patients (default 40; 0 skips it), BENCH_FUNNEL_CLIENTS at a time
 *    (default 5), hold, wait for the provisional-request e-mail on the stack's SMTP server and
 *    confirm through its link.
 * 3. Contention: BENCH_CONTENDERS requests (default 500) for one slot at once, BENCH_ROUNDS times
 *    (default 10), each round on another slot.
 * Every request is a full hold: validation, the slot check with availability, the transaction
 * with its exclusion constraint and outbox event.
 * Prints holds/s with p50/p95/p99 for the uncontended holds; per contention round the answers by
 * status and code, the 5xx apart, p50/p99 per request and the round's time; then how many rounds
 * ended with exactly one 201 and the rest 409 SLOT_TAKEN, and p50/p99 per request and per round;
 * then hold-manager's own time per hold.place, and the CPU time each process (the bench, each
 * service, the stack's PostgreSQL backends, the broker as a whole) spent during the rounds, per request.
 *
 * BENCH_SERVICE_NODE_OPTIONS is passed to the stack's services as NODE_OPTIONS, e.g.
 * `--cpu-prof --cpu-prof-dir=/tmp/profiles` for a CPU profile of each service (written when it stops).
 *
 * BENCH_IDEMPOTENCY_KEYS=true sends an Idempotency-Key with every hold through the gateway, as the
 * site does (without, as other API clients may, by default).
 *
 * BENCH_PHASES picks the phases (comma-separated: in-process, uncontended, funnel, contention; all by
 * default), e.g. `BENCH_PHASES=contention` for the service level of contention alone. The machine's
 * load average (`/proc/loadavg`) is printed at the start and the end, since figures from a busy
 * machine mean little. The run fails (exit 1) when a contention round is not exactly one 201 and
 * the rest 409 SLOT_TAKEN, or any request got a 5xx or no answer.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { AppError, placeHoldRequestV1 } from '@otk/contracts';
import { placeHold } from '../../services/hold-manager/src/domain/place-hold.use-case.js';
import { aPlaceHoldRequest, setSettings } from '../../services/hold-manager/test/support/practice.js';
import { useCaseHarness } from '../../services/hold-manager/test/support/use-cases.js';
import { startDemoStack } from '../../test/support/demo-stack.js';
import { type OfferedSlot, aHoldRequest, offeredSlots, postJson } from '../../test/support/factories.js';
import type { Stack } from '../../test/support/stack.js';
import { describeCpu, stackProcesses, startCpuAccount } from './support/cpu-time.js';
import { postJsonKeptAlive } from './support/http-client.js';
import { Inbox, tokenOf } from './support/inbox.js';
import { ms, percentile, summary, tally } from './support/latency.js';

const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 20);
const contenders = Number(process.env.BENCH_CONTENDERS ?? 500);
const rounds = Number(process.env.BENCH_ROUNDS ?? 10);
const inProcessHolds = Number(process.env.BENCH_HOLDS ?? 1000);
const funnelFlows = Number(process.env.BENCH_FUNNEL ?? 40);
const funnelClients = Number(process.env.BENCH_FUNNEL_CLIENTS ?? 5);
const idempotencyKeys = process.env.BENCH_IDEMPOTENCY_KEYS === 'true';
const phases = new Set(
  (process.env.BENCH_PHASES ?? 'in-process,uncontended,funnel,contention').split(',').map((p) => p.trim()),
);

/** The 1-, 5- and 15-minute load averages, as `uptime` prints them. */
function loadAverage(): string {
  return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
}

/** One hold through the gateway: its latency, status and outcome (`201`, `409 SLOT_TAKEN`, `504 TIMEOUT`…). */
async function timedHold(
  url: string,
  body: Record<string, unknown>,
): Promise<{ ms: number; status: number; outcome: string }> {
  const started = performance.now();
  try {
    // Each request a key of its own, as the site sends one with every hold.
    const headers: Record<string, string> = idempotencyKeys ? { 'idempotency-key': randomUUID() } : {};
    const answer = await postJsonKeptAlive(url, body, headers);
    const status = answer.status;
    return {
      ms: performance.now() - started,
      status,
      outcome: status === 201 ? '201' : `${status} ${String(answer.body.code)}`,
    };
  } catch (error) {
    // No answer at all (connection reset or refused): counted with the 5xx.
    const why = (error as { code?: string }).code ?? (error as Error).message;
    return { ms: performance.now() - started, status: 0, outcome: `no answer ${why}` };
  }
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

process.stdout.write(`load average at the start: ${loadAverage()}\n`);
if (phases.has('in-process')) await inProcess();
let failed = false;

const throughGateway = ['uncontended', 'funnel', 'contention'].some((phase) => phases.has(phase));
if (throughGateway) await gatewayPhases();
process.stdout.write(`load average at the end: ${loadAverage()}\n`);
if (failed) process.exitCode = 1;

/** The phases through the gateway, on a stack of their own. */
async function gatewayPhases(): Promise<void> {
  // The gateway's own RPC timeout (5 s): a 504 a patient would get is counted, not hidden.
  const nodeOptions = process.env.BENCH_SERVICE_NODE_OPTIONS;
  const stack = await startDemoStack(nodeOptions ? { env: { NODE_OPTIONS: nodeOptions } } : {});
  try {
    const holdsUrl = holdsUrlOf(stack);
    const slots: { slot: OfferedSlot; type: string }[] = [];
    for (const [type, practitioner] of [
      ['checkup', 'dr-muster'],
      ['checkup', 'dr-keller'],
    ] as const) {
      const found = await offeredSlots(stack.gatewayUrl, { appointmentType: type, practitioner, gapMinutes: 90 });
      slots.push(...found.map((slot) => ({ slot, type })));
    }
    const contended = slots.splice(0, rounds);
    const funnelSlots = funnelFlows > 0 ? slots.splice(-funnelFlows) : [];
    // Warm-up: connections, prepared code paths, the first delay queue.
    for (const { slot, type } of slots.splice(0, 5))
      await timedHold(holdsUrl, aHoldRequest({ ...slot, appointmentTypeId: type }));

    if (phases.has('uncontended')) await uncontended(holdsUrl, slots);
    if (phases.has('funnel') && funnelFlows > 0) await funnel(stack, funnelSlots);
    if (phases.has('contention')) {
      const before = await holdPlaceDurations(stack);
      const cpu = await startCpuAccount(stackProcesses(stack));
      failed = !(await contention(holdsUrl, contended));
      const spent = await cpu.stop();
      const after = await holdPlaceDurations(stack);
      process.stdout.write(
        `hold-manager's own time per hold.place during contention (its histogram): ${describeHistogram(before, after)}\n`,
      );
      process.stdout.write(`CPU time during contention: ${describeCpu(spent, contended.length * contenders)}\n`);
    }
  } finally {
    await stack.stop();
  }
}

/** Every remaining offered slot held once, by BENCH_CONCURRENCY clients at a time. */
async function uncontended(holdsUrl: string, slots: { slot: OfferedSlot; type: string }[]): Promise<void> {
  const latencies: number[] = [];
  const outcomes: string[] = [];
  const queue = [...slots];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        const result = await timedHold(holdsUrl, aHoldRequest({ ...next.slot, appointmentTypeId: next.type }));
        latencies.push(result.ms);
        outcomes.push(result.outcome);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  process.stdout.write(
    `uncontended: ${latencies.length} holds by ${concurrency} clients in ${seconds.toFixed(1)} s → ` +
      `holds/s=${(latencies.length / seconds).toFixed(0)} ${summary(latencies)} outcomes=${JSON.stringify(tally(outcomes))}\n`,
  );
}

/** BENCH_CONTENDERS requests for one slot at once, one round per slot; whether every round met the service level. */
async function contention(holdsUrl: string, contended: { slot: OfferedSlot; type: string }[]): Promise<boolean> {
  // Contention: every request of a round is sent at once; the round ends with its last answer.
  const everyRequest: number[] = [];
  const roundTimes: number[] = [];
  let clean = 0;
  let serverErrors = 0;
  for (const [round, { slot, type }] of contended.entries()) {
    const bodies = Array.from({ length: contenders }, () => aHoldRequest({ ...slot, appointmentTypeId: type }));
    const roundStarted = performance.now();
    const results = await Promise.all(bodies.map((body) => timedHold(holdsUrl, body)));
    const roundMs = performance.now() - roundStarted;
    const counts = tally(results.map((r) => r.outcome));
    const fiveHundreds = results.filter((r) => r.status >= 500 || r.status === 0).length;
    const ok = counts['201'] === 1 && counts['409 SLOT_TAKEN'] === contenders - 1;
    clean += ok ? 1 : 0;
    serverErrors += fiveHundreds;
    everyRequest.push(...results.map((r) => r.ms));
    roundTimes.push(roundMs);
    process.stdout.write(
      `contention round ${String(round + 1).padStart(2)}: ${contenders} requests for one slot, round ${ms(roundMs)} → ` +
        `${JSON.stringify(counts)} 5xx=${fiveHundreds} per request ${summary(
          results.map((r) => r.ms),
          [50, 99],
        )}${ok ? '' : '  ← not exactly one 201 and the rest SLOT_TAKEN'}\n`,
    );
  }
  if (contended.length > 0) {
    const sortedRounds = [...roundTimes].sort((a, b) => a - b);
    process.stdout.write(
      `contention: ${clean} of ${contended.length} rounds exactly 1 × 201 and ${contenders - 1} × 409 SLOT_TAKEN; ` +
        `5xx=${serverErrors}; per request ${summary(everyRequest, [50, 99])}; ` +
        `per round p50=${ms(percentile(sortedRounds, 50))} p99=${ms(percentile(sortedRounds, 99))}\n`,
    );
  }
  return clean === contended.length && serverErrors === 0;
}

/**
 * The funnel as a patient goes it: hold, the provisional-request e-mail arrives over SMTP, its
 * confirm link is followed (`POST /bookings/confirm`). BENCH_FUNNEL flows by BENCH_FUNNEL_CLIENTS
 * clients; prints the hold, e-mail and confirm latencies and the whole flow's.
 */
async function funnel(stack: Stack, funnelSlots: { slot: OfferedSlot; type: string }[]): Promise<void> {
  const inbox = new Inbox(stack.smtp.messages);
  const collector = setInterval(() => inbox.collect(), 20);
  const times = { hold: [] as number[], mail: [] as number[], confirm: [] as number[], flow: [] as number[] };
  const failures: string[] = [];
  const queue = [...funnelSlots];
  const started = performance.now();
  try {
    await Promise.all(
      Array.from({ length: funnelClients }, async () => {
        for (let next = queue.shift(); next; next = queue.shift()) {
          const request = aHoldRequest({ ...next.slot, appointmentTypeId: next.type });
          const t0 = performance.now();
          const held = await timedHold(holdsUrlOf(stack), request);
          times.hold.push(held.ms);
          if (held.status !== 201) {
            failures.push(`hold ${held.outcome}`);
            continue;
          }
          const t1 = performance.now();
          const mail = await inbox.nth(request.patient.email, 0);
          const token = mail && tokenOf(mail, '/confirm');
          if (!token) {
            failures.push('no provisional-request e-mail with a confirm link');
            continue;
          }
          times.mail.push(performance.now() - t1);
          const t2 = performance.now();
          const confirmed = await postJson(`${stack.gatewayUrl}/api/v1/bookings/confirm`, { token });
          times.confirm.push(performance.now() - t2);
          if (confirmed.status !== 200) failures.push(`confirm ${confirmed.status} ${String(confirmed.body.code)}`);
          else times.flow.push(performance.now() - t0);
          inbox.forget(request.patient.email);
        }
      }),
    );
  } finally {
    clearInterval(collector);
  }
  const seconds = (performance.now() - started) / 1000;
  process.stdout.write(
    `funnel: ${times.flow.length} of ${funnelSlots.length} patients held, got the e-mail and confirmed, ` +
      `${funnelClients} at a time, in ${seconds.toFixed(1)} s; hold ${summary(times.hold, [50, 99])}; ` +
      `e-mail ${summary(times.mail, [50, 99])}; confirm ${summary(times.confirm, [50, 99])}; ` +
      `whole flow ${summary(times.flow, [50, 99])}; failures=${JSON.stringify(tally(failures))}\n`,
  );
}

/** hold-manager's `booking_command_duration_seconds` buckets of hold.place: upper bound (s) → cumulative count. */
async function holdPlaceDurations(stack: Stack): Promise<Map<number, number>> {
  const text = await (await fetch(`${stack.services['hold-manager'].managementUrl}/metrics`)).text();
  const buckets = new Map<number, number>();
  for (const line of text.split('\n')) {
    const match = /^booking_command_duration_seconds_bucket\{([^}]*)\} (\d+)/.exec(line);
    if (!match || !match[1]!.includes('command="hold.place"')) continue;
    const le = /le="([^"]+)"/.exec(match[1]!)?.[1];
    if (le) buckets.set(le === '+Inf' ? Infinity : Number(le), Number(match[2]));
  }
  return buckets;
}

/** p50/p99 as the bucket bounds they fall in, from the difference of two histogram readings. */
function describeHistogram(before: Map<number, number>, after: Map<number, number>): string {
  const bounds = [...after.keys()].sort((a, b) => a - b);
  const counts = bounds.map((le) => (after.get(le) ?? 0) - (before.get(le) ?? 0));
  const total = counts.at(-1) ?? 0;
  const bound = (p: number) => {
    const index = counts.findIndex((c) => c >= (p / 100) * total);
    return index < 0 ? '–' : `≤ ${ms(bounds[index]! * 1000)}`;
  };
  return `${total} requests, p50 ${bound(50)}, p99 ${bound(99)}`;
}

function holdsUrlOf(stack: Stack): string {
  return `${stack.gatewayUrl}/api/v1/holds`;
}
