import type pg from 'pg';
import { migrations } from './migrations.js';

const table = `${migrations.schema}.message_log`;

export interface MessageKey {
  eventId: string;
  recipient: string;
  kind: string;
}

/**
 * Claims a message for sending. Returns false when it was sent already (a redelivered event),
 * true when it is new or an earlier attempt failed, counting the attempt.
 */
export async function claimMessage(pool: pg.Pool, key: MessageKey, channel: 'email' | 'sms'): Promise<boolean> {
  const result = await pool.query(
    `INSERT INTO ${table} (event_id, recipient, kind, channel, status)
     VALUES ($1, $2, $3, $4, 'sending')
     ON CONFLICT (event_id, recipient, kind)
       DO UPDATE SET attempts = ${table}.attempts + 1, status = 'sending'
       WHERE ${table}.status <> 'sent'
     RETURNING attempts`,
    [key.eventId, key.recipient, key.kind, channel],
  );
  return result.rowCount === 1;
}

export async function markSent(pool: pg.Pool, key: MessageKey, providerMessageId: string | undefined): Promise<void> {
  await pool.query(
    `UPDATE ${table} SET status = 'sent', sent_at = now(), provider_message_id = $4, last_error = NULL
      WHERE event_id = $1 AND recipient = $2 AND kind = $3`,
    [key.eventId, key.recipient, key.kind, providerMessageId ?? null],
  );
}

export async function markFailed(pool: pg.Pool, key: MessageKey, error: string): Promise<void> {
  await pool.query(
    `UPDATE ${table} SET status = 'failed', last_error = $4
      WHERE event_id = $1 AND recipient = $2 AND kind = $3`,
    [key.eventId, key.recipient, key.kind, error.slice(0, 1000)],
  );
}
