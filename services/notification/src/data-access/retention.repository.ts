import type pg from 'pg';

/**
 * Deletes message-log rows (recipient addresses, provider ids, errors) of messages created
 * before `before` (ADR 71). A redelivery of so old an event does not happen; the rows only served
 * to send each message once.
 */
export async function eraseOldMessageLog(pool: pg.Pool, before: Date): Promise<{ messageLog: number }> {
  const { rowCount } = await pool.query('DELETE FROM notification.message_log WHERE created_at < $1', [before]);
  return { messageLog: rowCount ?? 0 };
}
