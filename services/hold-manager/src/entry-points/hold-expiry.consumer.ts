import { queues } from '@otk/contracts';
import type { Broker, Subscription } from '@otk/messaging';
import { secondsSince } from '@otk/telemetry';
import { expireHoldWhenDue } from '../domain/expire-holds.use-case.js';
import type { HoldManagerDeps } from '../domain/ports.js';
import type { BookingMetrics } from './booking-metrics.js';

export const holdExpirySubscription: Subscription = {
  queue: queues.holdManagerEvents,
  routingKeys: ['hold.expiryDue'],
};

/**
 * Consumes the delayed `hold.expiryDue` messages (D3). One that arrives a little early throws and
 * comes back after the consumer's retry delay.
 */
export async function consumeHoldExpiries(
  broker: Broker,
  deps: Pick<HoldManagerDeps, 'bookings' | 'now'>,
  metrics: BookingMetrics,
): Promise<void> {
  await broker.consumeEvents({
    ...holdExpirySubscription,
    retryDelaysMs: [1000, 5000, 30000],
    async handler(event, ctx) {
      if (event.type !== 'hold.expiryDue') return;
      const outcome = await expireHoldWhenDue(deps, event.data.bookingId);
      if (outcome === 'expired') {
        metrics.expiries.inc({ trigger: 'message' });
        metrics.expiryLag.observe({ trigger: 'message' }, secondsSince(event.data.expiresAt, deps.now()));
      }
      ctx.logger.debug({ bookingId: event.data.bookingId, outcome }, 'hold expiry handled');
    },
  });
}
