import type { Logger } from '@otk/telemetry';

/**
 * Runs `run` every `intervalMs` (first after one interval), never two runs at once; a failure is
 * logged and the next run comes as planned. Returns the stop function, which awaits a run in
 * progress. Used for the services' retention jobs.
 */
export function startPeriodicJob(options: {
  name: string;
  intervalMs: number;
  logger: Logger;
  run: () => Promise<void>;
}): () => Promise<void> {
  let running: Promise<void> | undefined;
  const timer = setInterval(() => {
    if (running) return;
    running = options
      .run()
      .catch((error: unknown) => options.logger.error({ err: error, job: options.name }, `${options.name} failed`))
      .finally(() => (running = undefined));
  }, options.intervalMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
