import type { Logger } from 'pino';
import { sweepOverdueHolds } from '../domain/expire-holds.use-case.js';
import type { HoldManagerDeps } from '../domain/ports.js';
import type { BookingMetrics } from './booking-metrics.js';

/**
 * Runs the expiry sweep every `intervalMs`, so that a hold whose expiry message was lost is
 * released within one period. Returns the stop function; a sweep in progress is awaited.
 */
export function startExpirySweep(
  deps: Pick<HoldManagerDeps, 'bookings' | 'now'>,
  logger: Logger,
  intervalMs: number,
  metrics: BookingMetrics,
): () => Promise<void> {
  let running: Promise<void> | undefined;
  const timer = setInterval(() => {
    if (running) return;
    running = sweepOverdueHolds(deps)
      .then((expired) => {
        if (expired === 0) return;
        metrics.expiries.inc({ trigger: 'sweep' }, expired);
        logger.info({ expired }, 'sweep expired overdue holds');
      })
      .catch((error: unknown) => logger.error({ err: error }, 'expiry sweep failed'))
      .finally(() => (running = undefined));
  }, intervalMs);
  return async () => {
    clearInterval(timer);
    await running;
  };
}
