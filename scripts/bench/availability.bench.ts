/**
 * `npm run bench:availability`: how fast free slots are computed.
 *
 * 1. In-process: the listSlots use case (slot engine, busy look-up, formatting) for
 *    practitioner=any over 31 days, 10 practitioners, 2,000 busy intervals.
 * 2. Through the gateway: a stack of its own (test database and vhost, all five services), the demo
 *    practice plus 2,000 busy intervals, then 200 concurrent clients asking for 31 days of
 *    availability over loopback for BENCH_SECONDS (default 15).
 * 3. Browsing: the same 200 clients paging week by week (nine weeks, every type, `any` and each
 *    practitioner, so caches miss far more often).
 * 4. Paging: one patient paging through the calendar a day at a time, each request a day never
 *    asked before, so both the gateway's and availability's caches miss (BENCH_PAGES, default 300).
 * 5. Floor: the load of phase 2 on a process that only answers the same bytes (bare `node:http`,
 *    then bare express): what the load generator and 200 connections cost on this machine.
 * Prints `availability p50=… ms p95=… ms cpu=… ms`, `gateway p95=… ms rps=…`,
 * `browsing p95=… ms rps=…`, `paging p50=… ms p95=… ms p99=… ms` and `floor … p95=… ms rps=…`. On a machine shared with
 * other work, wall-clock times include waiting for a core; `cpu` (the process's CPU time per call)
 * does not. For phases 2 and 3 it also prints the CPU time each process spent (the bench's own
 * HTTP client, each service, the stack's PostgreSQL backends, the broker), per request and as a share of a core.
 *
 * BENCH_SERVICE_NODE_OPTIONS is passed to the stack's services as NODE_OPTIONS, e.g.
 * `--cpu-prof --cpu-prof-dir=/tmp/profiles` for a CPU profile of each service (written when it stops).
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createPool } from '@otk/db';
import autocannon from 'autocannon';
import { DateTime } from 'luxon';
import { seedDemoPractice } from '../../services/availability/scripts/demo-practice.seed.js';
import { BusyIndex } from '../../services/availability/src/domain/busy-index.js';
import type { Catalogue, Practitioner } from '../../services/availability/src/domain/catalogue.js';
import { listSlots } from '../../services/availability/src/domain/list-slots.use-case.js';
import { startStack, stopProcess } from '../../test/support/stack.js';
import { type Accounted, describeCpu, stackProcesses, startCpuAccount } from './support/cpu-time.js';
import { percentile } from './support/latency.js';

const zone = 'Europe/Zurich';
const seconds = Number(process.env.BENCH_SECONDS ?? 15);
const pages = Number(process.env.BENCH_PAGES ?? 300);

/** A deterministic pseudo-random sequence, so every run measures the same data. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

function syntheticCatalogue(): Catalogue {
  const hours = { start: 8 * 60, end: 12 * 60 };
  const afternoon = { start: 13 * 60, end: 18 * 60 };
  const practitioners: Practitioner[] = Array.from({ length: 10 }, (_, i) => ({
    id: `p${i}`,
    displayName: `Practitioner ${i}`,
    // Pairs share a room, as in a real practice.
    resourceIds: [`room-${Math.floor(i / 2)}`],
    weeklyHours: {
      1: [hours, afternoon],
      2: [hours, afternoon],
      3: [hours],
      4: [hours, afternoon],
      5: [hours, afternoon],
    },
  }));
  return {
    practice: {
      name: 'Bench',
      timeZone: zone,
      defaultLanguage: 'de',
      languages: ['de'],
      holidayCountry: 'CH',
      holidayRegion: 'ZH',
      granularityMinutes: 15,
      minimumNoticeMinutes: 120,
      bookingHorizonDays: 90,
      askVisitKind: true,
      askAppointmentGroup: true,
      requiredPatientFields: ['birthDate'],
      smsOffered: false,
      privacyPolicyUrl: null,
      privacyPolicyVersion: null,
      phone: null,
      logoUrl: null,
      brandColour: null,
    },
    practitioners,
    groups: [],
    types: [
      {
        id: 'checkup',
        name: { de: 'Kontrolle' },
        durationMinutes: 30,
        bufferBeforeMinutes: 5,
        bufferAfterMinutes: 5,
        visitKinds: ['first', 'followup'],
        groupId: null,
        onlineBookable: true,
        practitionerIds: practitioners.map((p) => p.id),
      },
    ],
    resources: [],
    absences: [],
    isHoliday: () => false,
  };
}

/** 2,000 busy intervals of 15–90 minutes in working time over the 31 days, on practitioners or rooms. */
function busyIntervals(from: DateTime, count: number) {
  const next = random(42);
  return Array.from({ length: count }, () => {
    const day = from
      .plus({ days: Math.floor(next() * 31) })
      .set({ hour: 8 + Math.floor(next() * 10), minute: 15 * Math.floor(next() * 4) });
    const start = day.toMillis();
    const length = (1 + Math.floor(next() * 6)) * 15 * 60_000;
    const who = Math.floor(next() * 10);
    return {
      bookingId: randomUUID(),
      start,
      until: start + length,
      occupants:
        next() < 0.8
          ? [{ kind: 'practitioner' as const, id: `p${who}` }]
          : [{ kind: 'resource' as const, id: `room-${Math.floor(who / 2)}` }],
    };
  });
}

function inProcess(): void {
  const catalogue = syntheticCatalogue();
  const busy = new BusyIndex();
  const from = DateTime.now().setZone(zone).startOf('day').plus({ days: 1 });
  busy.replaceAll(
    busyIntervals(from, 2000).map((b) => ({
      key: `booking:${b.bookingId}`,
      status: 'confirmed' as const,
      interval: { from: b.start, until: b.until },
      occupants: b.occupants,
      expiresAt: null,
    })),
  );
  const request = {
    appointmentTypeId: 'checkup',
    practitionerId: 'any',
    from: from.toISODate()!,
    to: from.plus({ days: 30 }).toISODate()!,
  };
  const now = Date.now();
  let slots = 0;
  for (let i = 0; i < 50; i++) listSlots(catalogue, busy, request, now); // warm-up (JIT, day cache)
  const times: number[] = [];
  const cpu = process.cpuUsage();
  for (let i = 0; i < 500; i++) {
    const t0 = performance.now();
    const reply = listSlots(catalogue, busy, request, now);
    times.push(performance.now() - t0);
    slots = reply.days.reduce((n, d) => n + d.slots.length, 0);
  }
  const { user, system } = process.cpuUsage(cpu);
  times.sort((a, b) => a - b);
  process.stdout.write(
    `availability p50=${percentile(times, 50).toFixed(2)} ms p95=${percentile(times, 95).toFixed(2)} ms` +
      ` cpu=${((user + system) / 1000 / 500).toFixed(2)} ms` +
      `  (31 days, 10 practitioners, 2000 busy intervals, ${slots} slots, 500 runs)\n`,
  );
}

/**
 * autocannon with 200 connections for BENCH_SECONDS over `paths`, as browsers ask (gzip); prints
 * where the CPU time of the phase went.
 */
async function underLoad(url: string, paths: string[], accounted: Accounted[]) {
  const latencies: number[] = [];
  const cpu = await startCpuAccount(accounted);
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url,
        connections: 200,
        duration: seconds,
        // As browsers do: the gateway keeps each answer gzipped once.
        headers: { 'accept-encoding': 'gzip, deflate, br' },
        requests: paths.map((path) => ({ method: 'GET', path })),
      },
      (error, done) => (error ? reject(error) : resolve(done)),
    );
    instance.on('response', (_client, _status, _bytes, responseTime) => latencies.push(responseTime));
  });
  const spent = await cpu.stop();
  latencies.sort((a, b) => a - b);
  return {
    cpu: describeCpu(spent, result.requests.total, result.duration || seconds),
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    rps: Math.round(result.requests.total / (result.duration || seconds)),
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
  };
}

async function throughGateway(): Promise<void> {
  const nodeOptions = process.env.BENCH_SERVICE_NODE_OPTIONS;
  const stack = await startStack({
    OTEL_EXPORTER_OTLP_ENDPOINT: '',
    ...(nodeOptions ? { NODE_OPTIONS: nodeOptions } : {}),
  });
  const pool = createPool({ connectionString: stack.env.DATABASE_URL!, applicationName: 'bench' });
  try {
    await seedDemoPractice(pool);
    const from = DateTime.now().setZone(zone).startOf('day').plus({ days: 1 });
    const occupants = {
      p0: ['dr-muster', 'room-1'],
      p1: ['dr-keller', 'room-2'],
      p2: ['dh-rossi', 'room-2'],
    } as const;
    for (const b of busyIntervals(from, 2000)) {
      const [practitioner, room] = Object.values(occupants)[Number(b.occupants[0]!.id.slice(-1)) % 3]!;
      await pool.query(
        `INSERT INTO availability.busy_times (source, source_id, status, occupied_from, occupied_until, occupants, version)
         VALUES ('practice-system', $1, 'busy', $2, $3, $4, now())`,
        [
          b.bookingId,
          new Date(b.start),
          new Date(b.until),
          JSON.stringify([
            { kind: 'practitioner', id: practitioner },
            { kind: 'resource', id: room },
          ]),
        ],
      );
    }
    await pool.query(`SELECT pg_notify('availability_busy', '*'), pg_notify('availability_catalogue', '')`);
    const to = from.plus({ days: 30 });
    const paths = ['checkup', 'first-consultation', 'filling', 'emergency', 'hygiene', 'root-canal'].map(
      (type) =>
        `/api/v1/availability?appointmentType=${type}&practitioner=any&from=${from.toISODate()}&to=${to.toISODate()}`,
    );
    for (const path of paths) {
      const response = await fetch(`${stack.gatewayUrl}${path}`);
      if (response.status !== 200) throw new Error(`${path} answered ${response.status}: ${await response.text()}`);
    }
    const month = await underLoad(stack.gatewayUrl, paths, stackProcesses(stack));
    process.stdout.write(
      `gateway p95=${month.p95.toFixed(1)} ms rps=${month.rps}` +
        `  (200 connections, ${seconds} s, p50=${month.p50.toFixed(1)} ms,` +
        ` non-2xx=${month.non2xx}, errors=${month.errors}, timeouts=${month.timeouts})\n` +
        `  CPU: ${month.cpu}\n`,
    );

    // Browsing as patients page: one week at a time, nine weeks ahead, each type for any
    // practitioner and for each of its own — many more distinct queries, so the gateway's short cache
    // (ADR 12) misses far more often than with the six month-long queries above.
    const catalogue = (await (await fetch(`${stack.gatewayUrl}/api/v1/catalogue`)).json()) as {
      appointmentTypes: { id: string; practitionerIds: string[] }[];
    };
    const weekly = catalogue.appointmentTypes.flatMap((type) =>
      ['any', ...type.practitionerIds].flatMap((practitioner) =>
        Array.from({ length: 9 }, (_, week) => {
          const first = from.plus({ weeks: week });
          return `/api/v1/availability?appointmentType=${type.id}&practitioner=${practitioner}&from=${first.toISODate()}&to=${first.plus({ days: 6 }).toISODate()}`;
        }),
      ),
    );
    const browsing = await underLoad(stack.gatewayUrl, weekly, stackProcesses(stack));
    process.stdout.write(
      `browsing p95=${browsing.p95.toFixed(1)} ms rps=${browsing.rps}` +
        `  (weekly pages, ${weekly.length} distinct queries, 200 connections, ${seconds} s, p50=${browsing.p50.toFixed(1)} ms,` +
        ` non-2xx=${browsing.non2xx}, errors=${browsing.errors}, timeouts=${browsing.timeouts})\n` +
        `  CPU: ${browsing.cpu}\n`,
    );

    await pageDayByDay(stack.gatewayUrl, catalogue.appointmentTypes, from.plus({ weeks: 9 }));
    await floor(await (await fetch(`${stack.gatewayUrl}${paths[0]}`)).text(), paths[0]!);
  } finally {
    await pool.end();
    await stack.stop();
  }
}

/**
 * One patient paging a day at a time, one request after the other, over days and questions not
 * asked before (after the nine weeks above, each type for `any` and each practitioner), so that
 * every answer is computed afresh and crosses the broker: the cache-miss path of one-day answers.
 */
async function pageDayByDay(
  gatewayUrl: string,
  types: { id: string; practitionerIds: string[] }[],
  firstDay: DateTime,
): Promise<void> {
  const questions = types.flatMap((type) => ['any', ...type.practitionerIds].map((p) => [type.id, p] as const));
  const latencies: number[] = [];
  let bytes = 0;
  for (let i = 0; i < pages; i++) {
    const [type, practitioner] = questions[i % questions.length]!;
    const day = firstDay.plus({ days: Math.floor(i / questions.length) }).toISODate();
    const t0 = performance.now();
    const response = await fetch(
      `${gatewayUrl}/api/v1/availability?appointmentType=${type}&practitioner=${practitioner}&from=${day}&to=${day}`,
      { headers: { 'accept-encoding': 'identity' } },
    );
    const body = await response.arrayBuffer();
    latencies.push(performance.now() - t0);
    if (response.status !== 200) throw new Error(`paging answered ${response.status}`);
    bytes += body.byteLength;
  }
  latencies.sort((a, b) => a - b);
  process.stdout.write(
    `paging p50=${percentile(latencies, 50).toFixed(1)} ms p95=${percentile(latencies, 95).toFixed(1)} ms` +
      ` p99=${percentile(latencies, 99).toFixed(1)} ms` +
      `  (one day per request, each asked once, ${pages} requests one after another, mean ${Math.round(bytes / pages)} bytes)\n`,
  );
}

/**
 * The same load on a server that only answers the first month's bytes, gzipped once (bare
 * `node:http`, then bare express with one route), in a process of its own as the gateway is, with
 * the stack idle beside it: what 200 connections cost on this machine before the gateway's own work.
 */
async function floor(answer: string, path: string): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'otk-floor-'));
  try {
    writeFileSync(join(dir, 'answer.json'), answer);
    for (const kind of ['node-http', 'express']) {
      const server = spawn(
        process.execPath,
        ['--import', 'tsx', join(import.meta.dirname, 'support', 'floor-server.ts'), kind, join(dir, 'answer.json')],
        { stdio: ['ignore', 'pipe', 'inherit'] },
      );
      try {
        const port = await new Promise<string>((resolve, reject) => {
          server.stdout!.once('data', (chunk: Buffer) => resolve(chunk.toString().trim()));
          server.once('exit', (code) => reject(new Error(`the floor server (${kind}) exited with ${code}`)));
        });
        const result = await underLoad(
          `http://127.0.0.1:${port}`,
          [path],
          [
            { name: 'bench client', pids: async () => [process.pid] },
            { name: `floor server`, pids: async () => [server.pid ?? 0] },
          ],
        );
        process.stdout.write(
          `floor ${kind} p95=${result.p95.toFixed(1)} ms rps=${result.rps}` +
            `  (the first month's answer, ${answer.length} bytes before gzip, 200 connections, ${seconds} s,` +
            ` p50=${result.p50.toFixed(1)} ms, non-2xx=${result.non2xx}, errors=${result.errors})\n` +
            `  CPU: ${result.cpu}\n`,
        );
      } finally {
        await stopProcess(server);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

inProcess();
if (process.env.BENCH_GATEWAY !== 'false') await throughGateway();
