import { queues } from '@otk/contracts';
import { markProcessed, withTransaction } from '@otk/db';
import { type Broker, type Subscription, done, skipped } from '@otk/messaging';
import type pg from 'pg';
import { replacePracticeBusyTimes } from '../data-access/busy-times.repository.js';
import { migrations } from '../data-access/migrations.js';

export const practiceBusyTimesSubscription = {
  queue: queues.availabilityPracticeEvents,
  routingKeys: ['practice.busyTimesImported'],
} as const satisfies Subscription;

/**
 * Blocks what staff entered in the practice calendar (imported by pixelmedics-sync), so no
 * online slot is offered where the practice is already busy.
 */
export async function consumePracticeBusyTimes(broker: Broker, pool: pg.Pool): Promise<void> {
  await broker.consumeEvents({
    ...practiceBusyTimesSubscription,
    handlers: {
      'practice.busyTimesImported': async (event, ctx) => {
        const applied = await withTransaction(pool, async (client) => {
          if (!(await markProcessed(client, migrations.schema, 'availability.practice-busy-times', event.id)))
            return false;
          await replacePracticeBusyTimes(client, event.data, new Date(event.occurredAt));
          return true;
        });
        if (!applied) return skipped('duplicate');
        ctx.logger.info({ busyTimes: event.data.busyTimes.length }, 'busy times of the practice calendar imported');
        return done();
      },
    },
  });
}
