import { queues } from '@otk/contracts';
import { markProcessed, withTransaction } from '@otk/db';
import { type Broker, type Subscription, done, skipped } from '@otk/messaging';
import type pg from 'pg';
import { replacePracticeBusyTimes } from '../data-access/busy-times.repository.js';
import { catalogueEditorStore } from '../data-access/catalogue-editor.repository.js';
import { migrations } from '../data-access/migrations.js';
import { importCatalogue } from '../domain/catalogue-editor.use-case.js';

export const practiceImportsSubscription = {
  queue: queues.availabilityPracticeEvents,
  routingKeys: ['practice.busyTimesImported', 'practice.catalogueImported'],
} as const satisfies Subscription;

/**
 * What pixelmedics-sync imports from the practice system: the entries staff made in its calendar,
 * blocked so no online slot is offered where the practice is already busy, and — where the
 * practice system is master of it — its catalogue (ADR 83).
 */
export async function consumePracticeImports(broker: Broker, pool: pg.Pool): Promise<void> {
  const catalogue = catalogueEditorStore(pool);
  await broker.consumeEvents({
    ...practiceImportsSubscription,
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
      // Applying an import twice changes nothing; an older one than the last is skipped.
      'practice.catalogueImported': async (event, ctx) => {
        const result = await importCatalogue(catalogue, event.data);
        if (!result.applied) return skipped('stale');
        ctx.logger.info({ changes: result.changes }, 'catalogue of the practice system imported');
        return done();
      },
    },
  });
}
