/**
 * Stand-in for `k6/http`: real HTTP requests (done by the runner's thread with fetch), blocking
 * as in k6, with k6's built-in request metrics (http_reqs, http_req_duration, http_req_failed).
 * Only string bodies: what k6 would form-encode is refused rather than sent differently.
 */
import { emit, syncHttp } from '../bridge.js';

type Tags = Record<string, string>;
type ExpectedStatuses = { expected: (status: number) => boolean };
interface Params {
  headers?: Record<string, string>;
  tags?: Tags;
  timeout?: string | number;
  responseCallback?: ExpectedStatuses | null;
}

let defaultCallback: ExpectedStatuses | null = expectedStatuses({ min: 200, max: 399 });

function milliseconds(timeout: string | number | undefined): number {
  if (timeout === undefined) return 60_000;
  if (typeof timeout === 'number') return timeout;
  const match = /^(\d+(?:\.\d+)?)(ms|s|m)$/.exec(timeout);
  if (!match) throw new Error(`timeout ${timeout} is not understood by the one-user runner`);
  return Number(match[1]) * { ms: 1, s: 1000, m: 60_000 }[match[2] as 'ms' | 's' | 'm'];
}

function request(method: string, url: string, body?: string | null, params: Params = {}) {
  if (body !== undefined && body !== null && typeof body !== 'string') {
    throw new Error('the one-user runner sends string bodies only');
  }
  const answer = syncHttp({
    method,
    url: String(url),
    headers: { ...params.headers },
    ...(body === undefined || body === null ? {} : { body }),
    timeoutMs: milliseconds(params.timeout),
  });
  const tags: Tags = { name: String(url), method, status: String(answer.status), ...params.tags };
  const callback = params.responseCallback === undefined ? defaultCallback : params.responseCallback;
  emit('http_reqs', 'counter', 1, tags);
  emit('http_req_duration', 'trend', answer.durationMs, tags);
  if (callback) emit('http_req_failed', 'rate', callback.expected(answer.status) ? 0 : 1, tags);
  return {
    status: answer.status,
    body: answer.body,
    headers: answer.headers,
    url: String(url),
    error: answer.error,
    error_code: answer.error ? 1 : 0,
    timings: { duration: answer.durationMs },
    request: { method, url: String(url), headers: params.headers ?? {}, body: body ?? '' },
    json(selector?: string): unknown {
      if (selector !== undefined) throw new Error('json(selector) is not provided by the one-user runner');
      return JSON.parse(answer.body);
    },
  };
}

export function expectedStatuses(...statuses: (number | { min: number; max: number })[]): ExpectedStatuses {
  return {
    expected: (status) =>
      statuses.some((s) => (typeof s === 'number' ? s === status : status >= s.min && status <= s.max)),
  };
}

export function setResponseCallback(callback: ExpectedStatuses | null): void {
  defaultCallback = callback;
}

export const get = (url: string, params?: Params) => request('GET', url, null, params);
export const post = (url: string, body?: string | null, params?: Params) => request('POST', url, body, params);
export const put = (url: string, body?: string | null, params?: Params) => request('PUT', url, body, params);
export const patch = (url: string, body?: string | null, params?: Params) => request('PATCH', url, body, params);
export const del = (url: string, body?: string | null, params?: Params) => request('DELETE', url, body, params);
export { request };

export default { request, get, post, put, patch, del, expectedStatuses, setResponseCallback };
