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
 * The NOTIFY is delivered only on commit, and wakes the relay at once. `subjectId` names what the
 * event is about (a booking's id): it stays with the row once the relay has dropped the data.
 */
export async function appendToOutbox(
  client: pg.PoolClient,
  schema: string,
  event: Envelope,
  options: { subjectId?: string } = {},
): Promise<void> {
  const headers: Record<string, string> = {};
  propagation.inject(context.active(), headers);
  await client.query(
    `INSERT INTO ${quoteSchema(schema)}.outbox (event_id, event_type, envelope, headers, subject_id)
     VALUES ($1, $2, $3, $4, $5)`,
    [event.id, event.type, JSON.stringify(event), JSON.stringify(headers), options.subjectId ?? null],
  );
  await client.query(`SELECT pg_notify($1, '')`, [outboxChannel(schema)]);
}

/**
 * Drops the data of events published before `before`, keeping id, type, version and time. The
 * relay already drops it on publication; this catches rows published before it did. Returns how
 * many rows lost their data.
 */
export async function erasePublishedOutboxData(pool: pg.Pool, schema: string, before: Date): Promise<number> {
  const { rowCount } = await pool.query(
    `UPDATE ${quoteSchema(schema)}.outbox SET envelope = envelope - 'data'
      WHERE published_at IS NOT NULL AND published_at < $1 AND envelope ? 'data'`,
    [before],
  );
  return rowCount ?? 0;
}
