import { context, propagation } from '@opentelemetry/api';
import type { Envelope } from '@otk/contracts';
import type pg from 'pg';
import { quoteSchema } from './schema-name.js';

/** The channel the relay of `schema` LISTENs on; notifications are per database, so per schema here. */
export function outboxChannel(schema: string): string {
  return `${schema}.outbox`;
}

/**
 * Records `event` for publication. Call it inside the transaction that makes the change the event
 * announces: both commit or neither does, so no event is lost and none announces a rolled-back
 * change. The active trace context is stored with it so the trace continues from the relay.
 * The NOTIFY is delivered only on commit, and wakes the relay at once.
 */
export async function appendToOutbox(client: pg.PoolClient, schema: string, event: Envelope): Promise<void> {
  const headers: Record<string, string> = {};
  propagation.inject(context.active(), headers);
  await client.query(
    `INSERT INTO ${quoteSchema(schema)}.outbox (event_id, event_type, envelope, headers) VALUES ($1, $2, $3, $4)`,
    [event.id, event.type, JSON.stringify(event), JSON.stringify(headers)],
  );
  await client.query(`SELECT pg_notify($1, '')`, [outboxChannel(schema)]);
}
