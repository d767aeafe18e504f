import { queues } from '@otk/contracts';
import { markProcessed, withTransaction } from '@otk/db';
import type { Broker, Subscription } from '@otk/messaging';
import type pg from 'pg';
import { replacePracticeBusyTimes } from '../data-access/busy-times.repository.js';
import { migrations } from '../data-access/migrations.js';

export const practiceBusyTimesSubscription: Subscription = {
  queue: queues.availabilityPracticeEvents,
  routingKeys: ['practice.busyTimesImported'],
};

/**
 * Blocks what staff entered in the practice calendar (imported by pixelmedics-sync), so no
 * online slot is offered where the practice is already busy.
 */
export async function consumePracticeBusyTimes(broker: Broker, pool: pg.Pool): Promise<void> {
  await broker.consumeEvents({
    ...practiceBusyTimesSubscription,
    handler: async (event, ctx) => {
      if (event.type !== 'practice.busyTimesImported') return;
      await withTransaction(pool, async (client) => {
        if (!(await markProcessed(client, migrations.schema, 'availability.practice-busy-times', event.id))) return;
        await replacePracticeBusyTimes(client, event.data, new Date(event.occurredAt));
      });
      ctx.logger.info({ busyTimes: event.data.busyTimes.length }, 'busy times of the practice calendar imported');
    },
  });
}
