import type pg from 'pg';

/**
 * Deletes message-log rows (recipient addresses, provider ids, errors) of messages created before
 * `before` (ADR 71), and the finished webhook deliveries and reminders of that age. A redelivery
 * of so old an event does not happen; the rows only served to send each message once.
 */
export async function eraseOldMessageLog(
  pool: pg.Pool,
  before: Date,
): Promise<{ messageLog: number; webhookDeliveries: number; reminders: number }> {
  const { rowCount } = await pool.query('DELETE FROM notification.message_log WHERE created_at < $1', [before]);
  // Finished deliveries only (their payloads are gone already): a pending one is still owed.
  const webhooks = await pool.query(
    `DELETE FROM notification.webhook_deliveries WHERE status <> 'pending' AND finished_at < $1`,
    [before],
  );
  // Finished reminders (their booking data went when they finished), the event marks of bookings
  // long past, and opt-out links that no longer work. The opt-outs themselves stay.
  const reminders = await pool.query(
    `DELETE FROM notification.reminders WHERE status <> 'pending' AND finished_at < $1`,
    [before],
  );
  await pool.query('DELETE FROM notification.reminder_bookings WHERE starts_at < $1', [before]);
  await pool.query('DELETE FROM notification.reminder_opt_out_links WHERE expires_at < $1', [before]);
  return { messageLog: rowCount ?? 0, webhookDeliveries: webhooks.rowCount ?? 0, reminders: reminders.rowCount ?? 0 };
}
