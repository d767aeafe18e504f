import { withTransaction } from '@otk/db';
import type { Broker } from '@otk/messaging';
import type { Logger } from '@otk/telemetry';
import type pg from 'pg';
import { applyBookingState, releaseBookingsMissingFrom } from './busy-times.repository.js';

const FIRST_RETRY_MS = 1000;
const MAX_RETRY_MS = 30_000;

/**
 * Rebuilds the booking part of the busy index from hold-manager, the source of truth, once per
 * start: events lost or still parked somewhere cannot leave a slot blocked or free for good. It
 * runs in the background and retries until hold-manager answers, so availability starts (and
 * answers from its table) without waiting for it. The list counts as of the moment it was asked
 * for: newer events win over it, older ones lose.
 */
export function rebuildBusyIndexInBackground(options: {
  broker: Broker;
  pool: pg.Pool;
  logger: Logger;
  timeoutMs?: number;
}): { stop(): void; done: Promise<boolean> } {
  const { broker, pool, logger } = options;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let wake: (() => void) | undefined;

  const attempt = async (): Promise<void> => {
    const asOf = new Date();
    const { bookings } = await broker.call(
      'hold.listActive',
      { from: asOf.toISOString() },
      { timeoutMs: options.timeoutMs ?? 10_000 },
    );
    await withTransaction(pool, async (client) => {
      for (const booking of bookings) await applyBookingState(client, booking, asOf);
      const released = await releaseBookingsMissingFrom(
        client,
        bookings.map((b) => b.bookingId),
        asOf,
      );
      logger.info({ active: bookings.length, released }, 'busy index rebuilt from hold-manager');
    });
  };

  const done = (async () => {
    for (let failures = 0; !stopped; failures++) {
      try {
        await attempt();
        return true;
      } catch (error) {
        const delay = Math.min(FIRST_RETRY_MS * 2 ** failures, MAX_RETRY_MS);
        logger.warn({ err: error, retryInMs: delay }, 'could not rebuild the busy index from hold-manager yet');
        await new Promise<void>((resolve) => {
          wake = resolve;
          timer = setTimeout(resolve, delay);
        });
      }
    }
    return false;
  })();

  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
      wake?.();
    },
    done,
  };
}
