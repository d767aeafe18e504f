import { type EventOf, queues, releasingEventTypes } from '@otk/contracts';
import { type Broker, type Subscription, done, sameHandlerFor, skipped } from '@otk/messaging';
import { offerFreedSlot } from '../domain/waitlist/offer-freed-slot.use-case.js';
import type { FreedTime } from '../domain/waitlist/waitlist.js';
import type { WaitlistDeps } from '../domain/waitlist/waitlist-ports.js';

/** The booking events that free time: the waiting list offers it (ADR 26). */
export const waitlistReleasesSubscription = {
  queue: queues.holdManagerWaitlist,
  routingKeys: releasingEventTypes,
} as const satisfies Subscription;

type ReleasingEvent = EventOf<(typeof releasingEventTypes)[number]>;

/**
 * Consumes them from hold-manager's own outbox (at least once): a redelivery offers nothing twice,
 * as an entry is offered a practitioner's start only once. A failed slot check (availability
 * down) comes back after the retry delay.
 */
export async function consumeWaitlistReleases(broker: Broker, deps: WaitlistDeps): Promise<void> {
  await broker.consumeEvents({
    ...waitlistReleasesSubscription,
    handlers: sameHandlerFor(releasingEventTypes, async (event, ctx) => {
      const offered = await offerFreedSlot(deps, freedTimeOf(event));
      ctx.logger.debug({ offered }, 'freed time offered to the waiting list');
      return offered > 0 ? done() : skipped('nobody-waiting');
    }),
  });
}

/** The time an event released: the booking's own, or for a change the slot it left. */
export function freedTimeOf(event: ReleasingEvent): FreedTime {
  const { booking } = event.data;
  if (event.type === 'booking.changed') {
    const { previous } = event.data;
    return { practitionerId: previous.practitionerId, start: new Date(previous.start), timeZone: booking.timeZone };
  }
  return { practitionerId: booking.practitionerId, start: new Date(booking.start), timeZone: booking.timeZone };
}
