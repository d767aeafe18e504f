/** What a worker does once the script is loaded: report it, or run one of its functions once. */
import { input, send } from './bridge.js';

type Script = Record<string, unknown>;

export async function runWorker(script: Script): Promise<void> {
  try {
    if (input.mode === 'init') {
      send({ kind: 'loaded', exports: Object.keys(script), options: JSON.parse(JSON.stringify(script.options ?? {})) });
      return;
    }
    const name = input.mode === 'run' ? input.exec : input.mode;
    const fn = script[name];
    if (typeof fn !== 'function') throw new Error(`the script exports no function ${name}`);
    const result: unknown = await fn(input.data);
    send({ kind: 'done', result: result === undefined ? null : JSON.parse(JSON.stringify(result)) });
  } catch (error) {
    send({ kind: 'failed', error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  }
}
