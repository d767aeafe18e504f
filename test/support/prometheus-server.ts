import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '@otk/test-kit';
import { parse, stringify } from 'yaml';
import { freePort } from './free-port.js';
import { stopProcess } from './stack.js';

/** One series of a query's answer: its labels and its value (a scalar answers as one unlabelled series). */
export interface Series {
  labels: Record<string, string>;
  value: string;
}

/** A node of PromQL's syntax tree as Prometheus' /api/v1/parse_query answers it. */
export interface PromqlNode {
  type: string;
  name?: string;
  matchers?: { name: string; type: string; value: string }[];
  grouping?: string[];
  without?: boolean;
  [child: string]: unknown;
}

export interface PrometheusServer {
  url: string;
  /** Evaluates an instant query now; a query Prometheus refuses throws with its error. */
  query(expr: string): Promise<Series[]>;
  /** Evaluates a range query over the last `seconds`, one point per `stepSeconds`. */
  queryRange(
    expr: string,
    seconds: number,
    stepSeconds: number,
  ): Promise<{ labels: Record<string, string>; values: [number, string][] }[]>;
  /** Whether a scrape declared the metric (`# TYPE`), even if it has no series yet. */
  declared(metric: string): Promise<boolean>;
  /** Parses a query into its syntax tree, as Prometheus' own parser sees it. */
  parse(expr: string): Promise<PromqlNode>;
  stop(): Promise<void>;
}

interface ApiAnswer<T> {
  status: 'success' | 'error';
  data: T;
  error?: string;
}

/** One scrape job: its targets (host:port, /metrics) and the labels added to every series. */
export interface ScrapeJob {
  job: string;
  targets: string[];
  labels: Record<string, string>;
  /** Whether the target's own labels win over the scrape's (the chart's monitors set honorLabels). */
  honorLabels?: boolean;
}

/**
 * A real Prometheus server (built by scripts/ci/install-observability-tools.sh) that scrapes each
 * job's targets every 2 s (an exporter's first answers can take more than a second on a busy
 * machine, and a scrape that times out reads as the target being down) and evaluates `ruleFiles` every second (a copy
 * of each file without its groups' own `interval`, which would otherwise make a test wait a minute for the first
 * evaluation), with the job's `labels` added to every scraped series as a ServiceMonitor's relabelling adds them.
 */
export async function startPrometheus(options: {
  binary: string;
  jobs: ScrapeJob[];
  ruleFiles: string[];
}): Promise<PrometheusServer> {
  const dir = mkdtempSync(join(tmpdir(), 'otk-prometheus-'));
  const ruleFiles = options.ruleFiles.map((file, index) => {
    const rules = parse(readFileSync(file, 'utf8')) as { groups: { interval?: string }[] };
    for (const group of rules.groups) delete group.interval;
    const copy = join(dir, `rules-${index}.yaml`);
    writeFileSync(copy, stringify(rules));
    return copy;
  });
  const config = {
    global: { scrape_interval: '2s', scrape_timeout: '2s', evaluation_interval: '1s' },
    rule_files: ruleFiles,
    scrape_configs: options.jobs.map((job) => ({
      job_name: job.job,
      honor_labels: job.honorLabels ?? false,
      static_configs: [{ targets: job.targets, labels: job.labels }],
    })),
  };
  writeFileSync(join(dir, 'prometheus.yml'), stringify(config));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(
    options.binary,
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const stop = async () => {
    await stopProcess(child);
    rmSync(dir, { recursive: true, force: true });
  };

  const api = async <T>(path: string, params: Record<string, string>): Promise<T> => {
    const response = await fetch(`${url}/api/v1/${path}`, { method: 'POST', body: new URLSearchParams(params) });
    const answer = (await response.json()) as ApiAnswer<T>;
    if (answer.status !== 'success') throw new Error(`${path} of ${params.query}: ${answer.error}`);
    return answer.data;
  };
  try {
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`prometheus exited with ${child.exitCode}: ${stderr}`);
        return (await fetch(`${url}/-/ready`)).status === 200 ? true : undefined;
      },
      { timeoutMs: 30000, intervalMs: 200, what: 'prometheus to be ready' },
    );
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    url,
    async query(expr) {
      const data = await api<{ resultType: string; result: unknown }>('query', { query: expr });
      if (data.resultType === 'scalar') return [{ labels: {}, value: (data.result as [number, string])[1] }];
      return (data.result as { metric: Record<string, string>; value: [number, string] }[]).map((r) => ({
        labels: r.metric,
        value: r.value[1],
      }));
    },
    async queryRange(expr, seconds, stepSeconds) {
      const end = Date.now() / 1000;
      const data = await api<{ result: { metric: Record<string, string>; values: [number, string][] }[] }>(
        'query_range',
        { query: expr, start: String(end - seconds), end: String(end), step: String(stepSeconds) },
      );
      return data.result.map((r) => ({ labels: r.metric, values: r.values }));
    },
    async declared(metric) {
      const response = await fetch(`${url}/api/v1/metadata?metric=${encodeURIComponent(metric)}`);
      const answer = (await response.json()) as ApiAnswer<Record<string, unknown[]>>;
      return (answer.data[metric]?.length ?? 0) > 0;
    },
    parse: (expr) => api<PromqlNode>('parse_query', { query: expr }),
    stop,
  };
}
