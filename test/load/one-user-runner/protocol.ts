/** What the runner and the virtual users' worker threads say to each other. */

export type MetricType = 'counter' | 'gauge' | 'rate' | 'trend';

export interface HttpRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
}

export interface HttpAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
  durationMs: number;
  /** Empty when the request got an answer; otherwise why not (connection refused, timeout…). */
  error: string;
}

export type WorkerMessage =
  | { kind: 'define'; name: string; type: MetricType }
  | { kind: 'sample'; name: string; type: MetricType; value: number; tags: Record<string, string> }
  | { kind: 'check'; name: string; ok: boolean }
  | { kind: 'loaded'; exports: string[]; options: unknown }
  | { kind: 'done'; result: unknown }
  | { kind: 'failed'; error: string };

export interface WorkerInput {
  /** `init` only loads the script and reports its exports and options. */
  mode: 'init' | 'setup' | 'run' | 'teardown';
  /** The exported function to run in `run` mode (`default` or a scenario's `exec`). */
  exec: string;
  scenario: string;
  env: Record<string, string>;
  vu: number;
  data: unknown;
  /** Where HTTP requests go, answered by the runner while the worker waits on `signal`. */
  httpPort: MessagePort;
  signal: SharedArrayBuffer;
}
