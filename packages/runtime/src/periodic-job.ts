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

/**
 * A service's retention job (ADR 71): every `intervalMs`, `erase` deletes what has outlived its
 * period and returns how many of each kind went, which is logged: counts, never contents.
 */
export function startRetentionJob(options: {
  intervalMs: number;
  logger: Logger;
  erase: () => Promise<Record<string, number>>;
}): () => Promise<void> {
  return startPeriodicJob({
    name: 'retention',
    intervalMs: options.intervalMs,
    logger: options.logger,
    run: async () => {
      const erased = await options.erase();
      options.logger.info({ erased }, 'retention: erased data past its retention period');
    },
  });
}
