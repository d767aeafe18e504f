import { queues } from '@otk/contracts';
import { type Broker, type Subscription, done, retry, skipped } from '@otk/messaging';
import { secondsSince } from '@otk/telemetry';
import { ExpiryNotDueError, expireHoldWhenDue } from '../domain/expire-holds.use-case.js';
import type { HoldManagerDeps } from '../domain/ports.js';
import type { BookingMetrics } from './booking-metrics.js';

export const holdExpirySubscription = {
  queue: queues.holdManagerEvents,
  routingKeys: ['hold.expiryDue'],
} as const satisfies Subscription;

/**
 * Consumes the delayed `hold.expiryDue` messages (D3). One that arrives a little early (clock
 * skew) comes back after the consumer's retry delay (`retry` not-due); a hold confirmed or
 * withdrawn meanwhile, or a redelivery, is skipped (`not-held`).
 */
export async function consumeHoldExpiries(
  broker: Broker,
  deps: Pick<HoldManagerDeps, 'bookings' | 'now'>,
  metrics: BookingMetrics,
): Promise<void> {
  await broker.consumeEvents({
    ...holdExpirySubscription,
    retryDelaysMs: [1000, 5000, 30000],
    handlers: {
      'hold.expiryDue': async (event, ctx) => {
        let outcome: Awaited<ReturnType<typeof expireHoldWhenDue>>;
        try {
          outcome = await expireHoldWhenDue(deps, event.data.bookingId);
        } catch (error) {
          if (error instanceof ExpiryNotDueError) return retry('not-due', error.message);
          throw error;
        }
        if (outcome === 'expired') {
          metrics.expiries.inc({ trigger: 'message' });
          metrics.expiryLag.observe({ trigger: 'message' }, secondsSince(event.data.expiresAt, deps.now()));
        }
        ctx.logger.debug({ bookingId: event.data.bookingId, outcome }, 'hold expiry handled');
        return outcome === 'expired' ? done() : skipped('not-held');
      },
    },
  });
}
