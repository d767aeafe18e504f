/**
 * `npm run soak`: does OTK stay flat under steady load? Not part of CI; it runs for half an hour.
 *
 * A stack of its own (test database and vhost, all five services as processes, the demo practice),
 * then for SOAK_MINUTES (default 30), over loopback:
 * - SOAK_HOLDS_PER_SECOND (default 20) provisional requests a second, started on a fixed schedule
 *   whatever the answers take (an open model, as patients arrive). Each hold goes the whole way:
 *   `POST /api/v1/holds`, the provisional-request e-mail over SMTP, its confirm link; then nine in
 *   ten are withdrawn with that link and one in ten is confirmed and cancelled through the manage
 *   link of the confirmation e-mail. So every slot comes free again and is reused: a pool of the
 *   demo practice's check-up slots two days and more ahead, never two holds on one slot at once.
 * - SOAK_BROWSE_PER_SECOND (default 20) availability requests a second over six appointment types,
 *   specific practitioners and `any`, and nine weeks (answers the gateway has cached and not).
 * Both rates rise linearly over the first SOAK_RAMP_SECONDS (default 60), so that a cold stack
 * (first connections, code paths not yet compiled) is not judged by its first seconds.
 * - Every SOAK_SAMPLE_SECONDS (default 60): each service's resident memory, every queue's depth in
 *   the stack's vhost (`rabbitmqctl list_queues`), and the minute's latencies and errors. Memory is
 *   VmRSS of the process in /proc, read every 5 s: a service's RSS rises and falls with its garbage
 *   collector by a quarter or more within a minute, so one reading a minute says more about when
 *   it was taken than about growth. Each minute keeps the median of its readings, its floor and
 *   its peak; a leak raises all three, one collection at the wrong moment moves only floor or peak.
 * The practice's confirmation window is SOAK_CONFIRMATION_WINDOW_SECONDS (default 120, the demo
 * practice's own is 900): every hold puts an expiry message into a delay queue for that long, so
 * the delay queue settles at rate × window; with 900 s it would still be filling at minute 15.
 *
 * Traces are not exported: the receiver would be this process, which also makes the load. SIGINT
 * or SIGTERM ends the soak early with a last sample and the verdict so far.
 *
 * At the end: the table and a verdict — every service's median RSS in the last minute within 10 % of
 * its median in minute 5 (SOAK_BASELINE_MINUTE), floor and peak shown beside it, no error (an unexpected answer, a 5xx, a missing e-mail, an error line
 * in a service's log), no growing queue (depth at the end at most 10 % + 50 messages above minute
 * 5). Exit code 1 when the verdict is FAIL.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { startDemoStack } from '../../test/support/demo-stack.js';
import { type OfferedSlot, aHoldRequest, offeredSlots } from '../../test/support/factories.js';
import { type ServiceName, serviceNames } from '../../test/support/stack.js';
import { Inbox, describe, tokenOf } from './support/inbox.js';
import { ms, percentile, summary } from './support/latency.js';

const minutes = Number(process.env.SOAK_MINUTES ?? 30);
const holdsPerSecond = Number(process.env.SOAK_HOLDS_PER_SECOND ?? 20);
const browsePerSecond = Number(process.env.SOAK_BROWSE_PER_SECOND ?? 20);
const sampleSeconds = Number(process.env.SOAK_SAMPLE_SECONDS ?? 60);
const baselineMinute = Number(process.env.SOAK_BASELINE_MINUTE ?? 5);
const confirmationWindowSeconds = Number(process.env.SOAK_CONFIRMATION_WINDOW_SECONDS ?? 120);
const rampSeconds = Number(process.env.SOAK_RAMP_SECONDS ?? 60);
/** One hold in this many is confirmed and cancelled; the others are withdrawn. */
const confirmEvery = 10;
/** More flows in flight than this means the stack no longer keeps up: the soak stops starting new ones. */
const maxInFlight = 500;

const run = promisify(execFile);
const out = (line: string) => process.stdout.write(`${line}\n`);

/** What happened in one sampling period; reset after each sample. */
class Period {
  holdLatencies: number[] = [];
  flowLatencies: number[] = [];
  browseLatencies: number[] = [];
  flows = 0;
  refused = 0;
  errors: Record<string, number> = {};
  error(kind: string): void {
    this.errors[kind] = (this.errors[kind] ?? 0) + 1;
  }
}

interface Sample {
  minute: number;
  /** The median of the period's RSS readings (one every 5 s). */
  rssMiB: Record<ServiceName, number>;
  /** The lowest of the period's RSS readings: what stays after the garbage collector ran. */
  floorMiB: Record<ServiceName, number>;
  /** The highest of the period's RSS readings. */
  peakMiB: Record<ServiceName, number>;
  queues: Record<string, number>;
  period: Period;
  inFlight: number;
  /** The machine's 1-minute load average: the soak shares it with whatever else runs. */
  load: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length / 2;
  return sorted.length % 2 ? sorted[Math.floor(middle)]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

async function rssMiB(pid: number | undefined): Promise<number> {
  if (pid === undefined) return Number.NaN;
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const kib = /^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1];
  return kib ? Number(kib) / 1024 : Number.NaN;
}

async function queueDepths(vhost: string): Promise<Record<string, number>> {
  const { stdout } = await run('rabbitmqctl', ['-q', 'list_queues', '-p', vhost, 'name', 'messages'], {
    timeout: 60_000,
  });
  const depths: Record<string, number> = {};
  for (const line of stdout.split('\n')) {
    const [name, messages] = line.trim().split(/\s+/);
    if (name && messages && /^\d+$/.test(messages)) depths[name] = Number(messages);
  }
  return depths;
}

/** SIGINT or SIGTERM ends the soak early: the last sample, the verdict so far, and the stack is stopped. */
let interrupted = false;
const interruption = new Promise<void>((resolve) => {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      interrupted = true;
      resolve();
    });
  }
});

const stack = await startDemoStack({
  // Traces are not exported: the receiver would be this process, which also makes the load.
  env: { OTEL_EXPORTER_OTLP_ENDPOINT: '' },
  settings: { confirmation_window_seconds: confirmationWindowSeconds },
});
const api = (path: string) => `${stack.gatewayUrl}/api/v1${path}`;
let stopping = false;
try {
  const inbox = new Inbox(stack.smtp.messages);
  const slots: OfferedSlot[] = [];
  for (const practitioner of ['dr-muster', 'dr-keller']) {
    const found = await offeredSlots(stack.gatewayUrl, { appointmentType: 'checkup', practitioner, gapMinutes: 40 });
    // Two days ahead and more, so that a confirmed booking may still be cancelled online.
    slots.push(...found.filter((s) => Date.parse(s.start) > Date.now() + 2 * 86400_000));
  }
  out(
    `soak: ${minutes} min, ${holdsPerSecond} holds/s (1 in ${confirmEvery} confirmed and cancelled, the rest withdrawn), ` +
      `${browsePerSecond} availability requests/s, ${slots.length} check-up slots in rotation, confirmation window ` +
      `${confirmationWindowSeconds} s; sampling every ${sampleSeconds} s`,
  );

  let period = new Period();
  let inFlight = 0;

  const post = async (path: string, body: unknown) => {
    const response = await fetch(api(path), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json().catch(() => ({}))) as Record<string, unknown> };
  };
  /** Records an answer that is not the expected one; true when it was expected. */
  const expectStatus = (what: string, status: number, expected: number, code?: unknown) => {
    if (status === expected) return true;
    period.error(`${what} ${status}${code === undefined ? '' : ` ${String(code)}`}`);
    return false;
  };

  async function holdFlow(n: number): Promise<void> {
    const slot = slots.shift();
    if (!slot) return period.error('no free slot in the pool');
    const request = aHoldRequest(slot);
    const address = request.patient.email;
    const started = performance.now();
    let completed = false;
    try {
      const held = await post('/holds', request);
      period.holdLatencies.push(performance.now() - started);
      if (held.status === 409 && held.body.code === 'SLOT_TAKEN') {
        period.refused++;
        return;
      }
      if (!expectStatus('hold', held.status, 201, held.body.code)) return;
      const requestMail = await inbox.nth(address, 0);
      const confirmToken = requestMail && tokenOf(requestMail, '/confirm');
      if (!confirmToken) return period.error('provisional-request e-mail missing or without link');
      if (n % confirmEvery !== 0) {
        const withdrawn = await post('/bookings/withdraw', { token: confirmToken });
        if (!expectStatus('withdraw', withdrawn.status, 200, withdrawn.body.code)) return;
      } else {
        const confirmed = await post('/bookings/confirm', { token: confirmToken });
        if (!expectStatus('confirm', confirmed.status, 200, confirmed.body.code)) return;
        const confirmation = await inbox.nth(address, 1);
        const manageToken = confirmation && tokenOf(confirmation, '/manage');
        if (!manageToken) return period.error('confirmation e-mail missing or without link');
        const cancelled = await post('/bookings/cancel', { token: manageToken });
        if (!expectStatus('cancel', cancelled.status, 200, cancelled.body.code)) return;
      }
      period.flows++;
      completed = true;
      period.flowLatencies.push(performance.now() - started);
    } catch (error) {
      period.error(`hold flow: ${describe(error)}`);
    } finally {
      inbox.forget(address);
      // A flow that failed may have left its hold in place: the slot rejoins the pool once the
      // hold has lapsed, so that a failure is counted once and not again as SLOT_TAKEN.
      if (completed) slots.push(slot);
      else setTimeout(() => slots.push(slot), (confirmationWindowSeconds + 10) * 1000).unref();
    }
  }

  const browsing = [
    ['checkup', 'any'],
    ['checkup', 'dr-muster'],
    ['checkup', 'dr-keller'],
    ['first-consultation', 'any'],
    ['hygiene', 'dh-rossi'],
    ['filling', 'any'],
    ['emergency', 'any'],
    ['root-canal', 'any'],
  ] as const;
  async function browse(n: number): Promise<void> {
    const [type, practitioner] = browsing[n % browsing.length]!;
    const from = new Date(Date.now() + (Math.floor(n / browsing.length) % 9) * 7 * 86400_000);
    const to = new Date(from.getTime() + 6 * 86400_000);
    const query = new URLSearchParams({
      appointmentType: type,
      practitioner,
      from: from.toISOString().slice(0, 10),
      to: to.toISOString().slice(0, 10),
    });
    const started = performance.now();
    try {
      const response = await fetch(api(`/availability?${query}`), { headers: { 'accept-encoding': 'gzip' } });
      await response.arrayBuffer();
      period.browseLatencies.push(performance.now() - started);
      expectStatus('availability', response.status, 200);
    } catch (error) {
      period.error(`availability: ${describe(error)}`);
    }
  }

  /** Starts `perSecond` calls of `start` a second on a fixed schedule, until `stopping`. */
  function schedule(perSecond: number, start: (n: number) => Promise<void>): Promise<void> {
    return new Promise((resolve) => {
      const began = performance.now();
      let started = 0;
      const pending = new Set<Promise<void>>();
      const timer = setInterval(() => {
        if (stopping) {
          clearInterval(timer);
          void Promise.allSettled([...pending]).then(() => resolve());
          return;
        }
        const t = (performance.now() - began) / 1000;
        // Linear ramp: the number due is the integral of the rate over time.
        const due = Math.floor(perSecond * (t < rampSeconds ? (t * t) / (2 * rampSeconds) : t - rampSeconds / 2));
        while (started < due) {
          if (inFlight >= maxInFlight) {
            period.error('stack not keeping up: too many requests in flight');
            started = due;
            break;
          }
          inFlight++;
          const flow = start(started++).finally(() => {
            inFlight--;
            pending.delete(flow);
          });
          pending.add(flow);
        }
      }, 10);
    });
  }

  const collector = setInterval(() => inbox.collect(), 50);
  let readings = new Map<ServiceName, number[]>(serviceNames.map((name) => [name, []]));
  async function readRss(): Promise<void> {
    for (const name of serviceNames) readings.get(name)!.push(await rssMiB(stack.services[name].child.pid));
  }
  const rssReader = setInterval(() => void readRss(), 5_000);
  const samples: Sample[] = [];
  let errorLines = 0;
  const logErrors: Record<string, number> = {};
  async function sample(minute: number): Promise<void> {
    // Service logs: an error line is an error of the soak; the rest is dropped to keep this process small.
    for (const service of Object.values(stack.services)) {
      for (const line of service.logs.splice(0)) {
        if (typeof line.level === 'number' && line.level >= 50) {
          errorLines++;
          const key = `${service.name}: ${String(line.msg)}`;
          logErrors[key] = (logErrors[key] ?? 0) + 1;
        }
      }
    }
    await readRss();
    const periodReadings = readings;
    readings = new Map(serviceNames.map((name) => [name, []]));
    const rss = Object.fromEntries(serviceNames.map((name) => [name, median(periodReadings.get(name)!)])) as Record<
      ServiceName,
      number
    >;
    const floor = Object.fromEntries(
      serviceNames.map((name) => [name, Math.min(...periodReadings.get(name)!)]),
    ) as Record<ServiceName, number>;
    const peak = Object.fromEntries(
      serviceNames.map((name) => [name, Math.max(...periodReadings.get(name)!)]),
    ) as Record<ServiceName, number>;
    const queues = await queueDepths(stack.vhost.name);
    const done = period;
    period = new Period();
    samples.push({
      minute,
      rssMiB: rss,
      floorMiB: floor,
      peakMiB: peak,
      queues,
      period: done,
      inFlight,
      load: loadavg()[0]!,
    });
    const deepest = Object.entries(queues).sort((a, b) => b[1] - a[1])[0];
    out(
      `minute ${String(Math.round(minute * 10) / 10).padStart(4)}: ` +
        serviceNames
          .map((name) => `${name} ${rss[name].toFixed(0)} (${floor[name].toFixed(0)}–${peak[name].toFixed(0)}) MiB`)
          .join(', ') +
        ` | deepest queue ${deepest ? `${deepest[0]}=${deepest[1]}` : '–'}` +
        ` | ${done.flows} flows, hold ${summary(done.holdLatencies, [50, 99])}, availability p95=${ms(
          percentile(
            [...done.browseLatencies].sort((a, b) => a - b),
            95,
          ),
        )}` +
        ` | errors ${JSON.stringify(done.errors)}, error log lines ${errorLines} | load ${loadavg()[0]!.toFixed(1)}`,
    );
  }

  const began = Date.now();
  const loads = [schedule(holdsPerSecond, holdFlow), schedule(browsePerSecond, browse)];
  await sample(0);
  for (let minute = sampleSeconds / 60; minute <= minutes + 1e-9; minute += sampleSeconds / 60) {
    await Promise.race([
      new Promise((resolve) => setTimeout(resolve, Math.max(0, began + minute * 60_000 - Date.now()))),
      interruption,
    ]);
    if (interrupted) {
      await sample((Date.now() - began) / 60_000);
      break;
    }
    await sample(minute);
  }
  stopping = true;
  await Promise.all(loads);
  clearInterval(collector);
  clearInterval(rssReader);

  // The verdict.
  const baseline =
    samples.find((s) => s.minute >= baselineMinute) ?? samples[Math.min(1, samples.length - 1)] ?? samples[0]!;
  const last = samples.at(-1)!;
  out(`\nRSS in MiB per service, median (floor–peak) of each minute (minute ${baseline.minute} is the baseline)`);
  out(['minute', ...serviceNames, 'load'].join('\t'));
  for (const s of samples)
    out(
      [
        s.minute,
        ...serviceNames.map(
          (n) => `${s.rssMiB[n].toFixed(1)} (${s.floorMiB[n].toFixed(1)}–${s.peakMiB[n].toFixed(1)})`,
        ),
        s.load.toFixed(1),
      ].join('\t'),
    );
  const queueNames = [...new Set(samples.flatMap((s) => Object.keys(s.queues)))].sort();
  out('\nqueue depths (messages)');
  out(['minute', ...queueNames].join('\t'));
  for (const s of samples) out([s.minute, ...queueNames.map((q) => s.queues[q] ?? '–')].join('\t'));
  const all = new Period();
  for (const s of samples.slice(1)) {
    all.holdLatencies.push(...s.period.holdLatencies);
    all.flowLatencies.push(...s.period.flowLatencies);
    all.browseLatencies.push(...s.period.browseLatencies);
    all.flows += s.period.flows;
    all.refused += s.period.refused;
    for (const [kind, count] of Object.entries(s.period.errors)) all.errors[kind] = (all.errors[kind] ?? 0) + count;
  }
  out(
    `\n${all.holdLatencies.length} holds (${all.refused} refused SLOT_TAKEN), ${all.flows} complete flows; ` +
      `hold ${summary(all.holdLatencies)}; whole flow ${summary(all.flowLatencies)}; ` +
      `${all.browseLatencies.length} availability requests ${summary(all.browseLatencies)}`,
  );

  const failures: string[] = [];
  for (const name of serviceNames) {
    const change = last.rssMiB[name] / baseline.rssMiB[name] - 1;
    if (!(Math.abs(change) <= 0.1))
      failures.push(`${name} median RSS ${baseline.rssMiB[name].toFixed(0)} → ${last.rssMiB[name].toFixed(0)} MiB`);
  }
  for (const queue of queueNames) {
    const from = baseline.queues[queue] ?? 0;
    const to = last.queues[queue] ?? 0;
    if (to > from * 1.1 + 50) failures.push(`queue ${queue} grew ${from} → ${to}`);
  }
  const errorCount = Object.values(all.errors).reduce((a, b) => a + b, 0);
  if (errorCount > 0) failures.push(`errors ${JSON.stringify(all.errors)}`);
  if (errorLines > 0) failures.push(`error log lines ${JSON.stringify(logErrors)}`);
  if (all.flows === 0) failures.push('no flow completed');
  out(
    `\nverdict: ${failures.length === 0 ? 'PASS' : 'FAIL'}${interrupted ? ' (interrupted)' : ''} — median RSS at minute ${last.minute} against minute ` +
      `${baseline.minute} (max change ${(
        Math.max(...serviceNames.map((n) => Math.abs(last.rssMiB[n] / baseline.rssMiB[n] - 1))) * 100
      ).toFixed(1)} %), ${errorCount} errors, ${errorLines} error log lines` +
      (failures.length ? `\n  ${failures.join('\n  ')}` : ''),
  );
  process.exitCode = failures.length === 0 ? 0 : 1;
} finally {
  stopping = true;
  await stack.stop();
}
