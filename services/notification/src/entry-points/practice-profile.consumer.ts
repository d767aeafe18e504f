import { queues } from '@otk/contracts';
import { markProcessed, withTransaction } from '@otk/db';
import { type Broker, type Subscription, done, skipped } from '@otk/messaging';
import type pg from 'pg';
import { migrations } from '../data-access/migrations.js';
import { applyPracticeProfile } from '../data-access/practice-profile.repository.js';

export const practiceProfileSubscription = {
  queue: queues.notificationPracticeEvents,
  routingKeys: ['practice.profileChanged'],
} as const satisfies Subscription;

/**
 * Follows the practice profile that availability owns (ADR 24): name, address, phone, languages
 * and SMS on or off, for the next message.
 */
export async function consumePracticeProfile(broker: Broker, pool: pg.Pool): Promise<void> {
  await broker.consumeEvents({
    ...practiceProfileSubscription,
    handlers: {
      'practice.profileChanged': async (event, ctx) => {
        const { changedAt, ...profile } = event.data;
        const applied = await withTransaction(pool, async (client) => {
          if (!(await markProcessed(client, migrations.schema, 'notification.practice-profile', event.id)))
            return false;
          return applyPracticeProfile(client, profile, new Date(changedAt));
        });
        ctx.logger.info({ applied }, 'practice profile followed');
        return applied ? done() : skipped('stale');
      },
    },
  });
}
