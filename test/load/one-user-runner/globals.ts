/** The k6 globals a script reads at load time; imported before the script so they exist then. */
import { workerData } from 'node:worker_threads';
import type { WorkerInput } from './protocol.js';

declare global {
  var __ENV: Record<string, string>;
  var __VU: number;
  var __ITER: number;
}

const input = workerData as WorkerInput;
globalThis.__ENV = { ...input.env };
// k6 numbers VUs from 1 and gives setup and teardown VU 0.
globalThis.__VU = input.vu;
globalThis.__ITER = 0;
