import type { Broker } from '@otk/messaging';
import type { Logger } from 'pino';
import { Counter, type Registry } from 'prom-client';
import { importPracticeData } from '../domain/import-practice-data.use-case.js';
import type { ImportLog, SyncSettingsSource } from '../domain/ports.js';
import type { PracticeSystem } from '../domain/practice-system.port.js';

/**
 * Imports the practice data at the interval of the practice's settings, and on demand through
 * the `practice.importNow` command (the administration console's "import now").
 */
export async function schedulePracticeImport(deps: {
  settings: SyncSettingsSource;
  practice: PracticeSystem;
  imports: ImportLog;
  /** The practice system keeps the catalogue (the `http` adapter): publish it with each import. */
  catalogueMaster: boolean;
  broker: Broker;
  logger: Logger;
  registry: Registry;
}): Promise<{ stop(): Promise<void> }> {
  const runs = new Counter({
    name: 'pixelmedics_sync_imports_total',
    help: 'Imports of catalogue and busy times from the practice system, by outcome',
    labelNames: ['outcome'],
    registers: [deps.registry],
  });
  // Every outcome starts at 0, so the first failed import is a rise that `rate()` sees.
  for (const outcome of ['changed', 'unchanged', 'failed']) runs.inc({ outcome }, 0);
  let inFlight: Promise<unknown> = Promise.resolve();
  const runImport = (force = false) => {
    const run = inFlight.then(async () => {
      try {
        const result = await importPracticeData(deps, { force });
        runs.inc({ outcome: result.changed ? 'changed' : 'unchanged' });
        return result;
      } catch (error) {
        runs.inc({ outcome: 'failed' });
        throw error;
      }
    });
    // One import at a time; a failed one does not block the next.
    inFlight = run.catch(() => undefined);
    return run;
  };

  await deps.broker.serveCommand('practice.importNow', (request) => runImport(request.force));

  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const tick = async () => {
    try {
      await runImport();
    } catch (error) {
      deps.logger.warn({ err: error }, 'import from the practice system failed; trying again at the next interval');
    }
    if (stopped) return;
    const intervalSeconds = await deps.settings.load().then(
      (s) => s.importIntervalSeconds,
      () => 60,
    );
    timer = setTimeout(() => void tick(), intervalSeconds * 1000);
  };
  void tick();

  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await inFlight;
    },
  };
}
