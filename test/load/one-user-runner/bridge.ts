/**
 * The worker side: k6 scripts call HTTP synchronously, so a request is handed to the runner's
 * thread (which does it with fetch) and this thread blocks on a shared flag until the answer is
 * there. Metrics and checks go to the runner as messages.
 */
import { type MessagePort, parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import type { HttpAnswer, HttpRequest, MetricType, WorkerInput, WorkerMessage } from './protocol.js';

export const input = workerData as WorkerInput;
const flag = new Int32Array(input.signal);

export function send(message: WorkerMessage): void {
  parentPort!.postMessage(message);
}

export function emit(name: string, type: MetricType, value: number, tags: Record<string, string> = {}): void {
  send({ kind: 'sample', name, type, value, tags: { scenario: input.scenario, ...tags } });
}

export function syncHttp(request: HttpRequest): HttpAnswer {
  Atomics.store(flag, 0, 0);
  (input.httpPort as MessagePort).postMessage(request);
  Atomics.wait(flag, 0, 0);
  const answer = receiveMessageOnPort(input.httpPort as MessagePort);
  if (!answer) throw new Error('the runner gave no answer to an HTTP request');
  return answer.message as HttpAnswer;
}

export function blockFor(seconds: number): void {
  if (seconds > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, seconds * 1000);
}
