/** Stand-in for the `k6` module: check, fail, group and sleep, with k6's meaning. */
import { blockFor, emit, send } from '../bridge.js';

export function check<T>(value: T, checks: Record<string, (value: T) => boolean>, tags: Record<string, string> = {}) {
  let all = true;
  for (const [name, predicate] of Object.entries(checks)) {
    let ok: boolean;
    try {
      ok = Boolean(predicate(value));
    } catch {
      ok = false;
    }
    send({ kind: 'check', name, ok });
    emit('checks', 'rate', ok ? 1 : 0, { check: name, ...tags });
    all &&= ok;
  }
  return all;
}

export function fail(message = ''): never {
  throw new Error(message);
}

export function group<T>(_name: string, body: () => T): T {
  return body();
}

export function sleep(seconds: number): void {
  blockFor(seconds);
}
