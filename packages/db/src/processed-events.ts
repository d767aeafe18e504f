import type pg from 'pg';
import { quoteSchema } from './schema-name.js';

/**
 * Records that `consumer` has applied `eventId` (an envelope id, so a UUID), in the caller's
 * transaction, before or with the consumer's own change. Returns false when it
 * already had — a redelivery, to be skipped. A concurrent duplicate waits on the first one's
 * transaction: it gets false if that commits, true if it rolls back.
 */
export async function markProcessed(
  client: pg.PoolClient,
  schema: string,
  consumer: string,
  eventId: string,
): Promise<boolean> {
  const result = await client.query(
    `INSERT INTO ${quoteSchema(schema)}.processed_events (consumer, event_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
    [consumer, eventId],
  );
  return result.rowCount === 1;
}
