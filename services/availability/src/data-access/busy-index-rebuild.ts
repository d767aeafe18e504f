import { withTransaction } from '@otk/db';
import type { Broker } from '@otk/messaging';
import type { Logger } from '@otk/telemetry';
import type pg from 'pg';
import { applyBookingState, releaseBookingsMissingFrom } from './busy-times.repository.js';

const FIRST_RETRY_MS = 1000;
const MAX_RETRY_MS = 30_000;

/**
 * Rebuilds the busy index from its sources of truth once per start, so that events lost or
 * published before this service's queues existed cannot leave a slot blocked or free for good:
 * the bookings from hold-manager, and the staff-made busy times from pixelmedics-sync (asked to
 * publish its import again, which arrives as an event). Both run in the background and retry until
 * answered, so availability starts (and answers from its table) without waiting for them.
 */
export function rebuildBusyIndexInBackground(options: {
  broker: Broker;
  pool: pg.Pool;
  logger: Logger;
  timeoutMs?: number;
}): { stop(): void } {
  const { broker, pool, logger } = options;
  const timeoutMs = options.timeoutMs ?? 10_000;

  const bookings = retryInBackground(logger, 'the bookings of the busy index from hold-manager', async () => {
    // The list counts as of the moment it was asked for: newer events win over it, older ones lose.
    const asOf = new Date();
    const { bookings: active } = await broker.call('hold.listActive', { from: asOf.toISOString() }, { timeoutMs });
    await withTransaction(pool, async (client) => {
      for (const booking of active) await applyBookingState(client, booking, asOf);
      const released = await releaseBookingsMissingFrom(
        client,
        active.map((b) => b.bookingId),
        asOf,
      );
      logger.info({ active: active.length, released }, 'busy index rebuilt from hold-manager');
    });
  });
  const practice = retryInBackground(logger, 'the busy times of the practice calendar', async () => {
    await broker.call('practice.importNow', { force: true }, { timeoutMs });
    logger.info('busy times of the practice calendar requested from pixelmedics-sync');
  });

  return {
    stop() {
      bookings.stop();
      practice.stop();
    },
  };
}

/** Runs `attempt` until it succeeds, with backoff, or until stopped. */
function retryInBackground(logger: Logger, what: string, attempt: () => Promise<void>): { stop(): void } {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let wake: (() => void) | undefined;
  void (async () => {
    for (let failures = 0; !stopped; failures++) {
      try {
        await attempt();
        return;
      } catch (error) {
        const delay = Math.min(FIRST_RETRY_MS * 2 ** failures, MAX_RETRY_MS);
        logger.warn({ err: error, retryInMs: delay }, `could not rebuild ${what} yet`);
        await new Promise<void>((resolve) => {
          wake = resolve;
          timer = setTimeout(resolve, delay);
        });
      }
    }
  })();
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
      wake?.();
    },
  };
}
