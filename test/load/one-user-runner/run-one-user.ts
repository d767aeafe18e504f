/**
 * A one-user runner for the k6 scripts of load-tests/: NOT k6 and NOT a load test. No k6 binary
 * can be installed on the project's machines, so CI checks the scripts this way instead: the
 * script is bundled with esbuild, with stand-ins for the k6 modules it imports (./k6/), and each
 * function k6 would run is run once — `setup()`, then each scenario's function (or `default`) in
 * `vus` worker threads at once (one by default), then `teardown()` — making real HTTP requests
 * against a real stack. The thresholds are evaluated over those few samples; what that says
 * about service levels is nothing, what it says about the script (it runs, its requests get the
 * answers it expects, its counters count) is the point.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { MessageChannel, Worker } from 'node:worker_threads';
import { build } from 'esbuild';
import type { HttpAnswer, HttpRequest, WorkerInput, WorkerMessage } from './protocol.js';
import { type MetricSamples, type ThresholdResult, evaluateThresholds } from './thresholds.js';

const here = dirname(fileURLToPath(import.meta.url));
const standIns: Record<string, string> = {
  k6: join(here, 'k6/index.ts'),
  'k6/http': join(here, 'k6/http.ts'),
  'k6/metrics': join(here, 'k6/metrics.ts'),
};

export interface OneUserRun {
  exports: string[];
  /** Each check's name with how often it passed and failed. */
  checks: Record<string, { passes: number; fails: number }>;
  thresholds: ThresholdResult[];
  /** Exceptions thrown by the script's functions, with the function's name. */
  errors: string[];
  requests: number;
}

interface ScriptOptions {
  scenarios?: Record<string, { exec?: string; env?: Record<string, string> }>;
  thresholds?: Record<string, (string | { threshold: string })[]>;
}

/** Bundles `script` with the stand-ins into one ES module a worker thread can load. */
async function bundle(script: string, dir: string): Promise<string> {
  const file = join(dir, 'script.mjs');
  await build({
    stdin: {
      contents: [
        `import ${JSON.stringify(join(here, 'globals.ts'))};`,
        `import * as script from ${JSON.stringify(resolve(script))};`,
        `import { runWorker } from ${JSON.stringify(join(here, 'worker.ts'))};`,
        'await runWorker(script);',
      ].join('\n'),
      resolveDir: here,
      loader: 'ts',
    },
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node24',
    outfile: file,
    logLevel: 'silent',
    plugins: [
      {
        name: 'k6-stand-ins',
        setup(esbuild) {
          esbuild.onResolve({ filter: /^k6(\/.*)?$/ }, ({ path }) => {
            const standIn = standIns[path];
            if (!standIn) return { errors: [{ text: `${path} has no stand-in in the one-user runner` }] };
            return { path: standIn };
          });
        },
      },
    ],
  });
  return file;
}

async function answer(request: HttpRequest): Promise<HttpAnswer> {
  const started = performance.now();
  try {
    const response = await fetch(request.url, {
      method: request.method,
      headers: request.headers,
      ...(request.body === undefined ? {} : { body: request.body }),
      signal: AbortSignal.timeout(request.timeoutMs),
    });
    const body = await response.text();
    return {
      status: response.status,
      headers: Object.fromEntries(response.headers),
      body,
      durationMs: performance.now() - started,
      error: '',
    };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    return {
      status: 0,
      headers: {},
      body: '',
      durationMs: performance.now() - started,
      error: `${(error as Error).message}${cause?.code ? `: ${cause.code}` : ''}`,
    };
  }
}

export async function runOneUser(
  script: string,
  { env = {}, vus = 1 }: { env?: Record<string, string>; vus?: number } = {},
): Promise<OneUserRun> {
  const dir = await mkdtemp(join(tmpdir(), 'otk-k6-'));
  try {
    const file = await bundle(script, dir);
    // k6's built-in metrics; in a one-user run no iteration is ever dropped.
    const metrics = new Map<string, MetricSamples>(
      (
        [
          ['http_reqs', 'counter'],
          ['http_req_duration', 'trend'],
          ['http_req_failed', 'rate'],
          ['checks', 'rate'],
          ['iterations', 'counter'],
          ['dropped_iterations', 'counter'],
        ] as const
      ).map(([name, type]) => [name, { type, samples: [] }]),
    );
    const checks: OneUserRun['checks'] = {};
    const errors: string[] = [];

    /** Runs one worker to its end and returns what its function returned. */
    const runWorker = (input: Omit<WorkerInput, 'httpPort' | 'signal'>) =>
      new Promise<{ loaded?: { exports: string[]; options: ScriptOptions }; result?: unknown }>(
        (resolveRun, rejectRun) => {
          const { port1, port2 } = new MessageChannel();
          const signal = new SharedArrayBuffer(4);
          const flag = new Int32Array(signal);
          port1.on('message', (request: HttpRequest) => {
            void answer(request).then((reply) => {
              port1.postMessage(reply);
              Atomics.store(flag, 0, 1);
              Atomics.notify(flag, 0);
            });
          });
          const worker = new Worker(file, {
            workerData: { ...input, httpPort: port2, signal },
            transferList: [port2],
          });
          const outcome: { loaded?: { exports: string[]; options: ScriptOptions }; result?: unknown } = {};
          worker.on('message', (message: WorkerMessage) => {
            switch (message.kind) {
              case 'define':
                if (!metrics.has(message.name)) metrics.set(message.name, { type: message.type, samples: [] });
                break;
              case 'sample': {
                const metric = metrics.get(message.name) ?? { type: message.type, samples: [] };
                metric.samples.push({ value: message.value, tags: message.tags });
                metrics.set(message.name, metric);
                break;
              }
              case 'check': {
                const tally = (checks[message.name] ??= { passes: 0, fails: 0 });
                if (message.ok) tally.passes++;
                else tally.fails++;
                break;
              }
              case 'loaded':
                outcome.loaded = { exports: message.exports, options: message.options as ScriptOptions };
                break;
              case 'done':
                outcome.result = message.result;
                if (input.mode === 'run') metrics.get('iterations')!.samples.push({ value: 1, tags: {} });
                break;
              case 'failed':
                errors.push(`${input.mode === 'run' ? input.exec : input.mode} (VU ${input.vu}): ${message.error}`);
                break;
            }
          });
          worker.once('error', rejectRun);
          worker.once('exit', () => {
            port1.close();
            resolveRun(outcome);
          });
        },
      );

    const base = { env, data: null, exec: 'default', scenario: 'default' };
    const { loaded } = await runWorker({ ...base, mode: 'init', vu: 0 });
    if (!loaded) throw new Error(`${script} did not load: ${errors.join('; ')}`);
    const options = loaded.options;
    const data = loaded.exports.includes('setup')
      ? ((await runWorker({ ...base, mode: 'setup', vu: 0 })).result ?? null)
      : null;
    if (errors.length === 0) {
      const scenarios = Object.entries(options.scenarios ?? { default: {} });
      for (const [name, scenario] of scenarios) {
        await Promise.all(
          Array.from({ length: vus }, (_, i) =>
            runWorker({
              mode: 'run',
              exec: scenario.exec ?? 'default',
              scenario: name,
              env: { ...env, ...scenario.env },
              vu: i + 1,
              data,
            }),
          ),
        );
      }
      if (loaded.exports.includes('teardown')) await runWorker({ ...base, mode: 'teardown', vu: 0, data });
    }
    return {
      exports: loaded.exports,
      checks,
      thresholds: evaluateThresholds(options.thresholds ?? {}, metrics),
      errors,
      requests: metrics.get('http_reqs')?.samples.length ?? 0,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
