import type { CommandReply } from '@otk/contracts';
import type pg from 'pg';

type Export = CommandReply<'notification.exportPatient'>;
type Erasure = CommandReply<'notification.erasePatient'>;

/**
 * What notification keeps about a patient's bookings (ADR 73): the message log (whom each message
 * went to, and how it fared) and the deliveries of the bookings' events to the practice's webhook
 * endpoints. A staff copy's recipient is the practice's own address, not the patient's: left out.
 */
export async function exportPatientMessages(pool: pg.Pool, bookingIds: string[]): Promise<Export> {
  const messages = await pool.query<{
    booking_id: string;
    kind: string;
    audience: 'patient' | 'staff';
    channel: 'email' | 'sms';
    recipient: string;
    status: string;
    attempts: number;
    created_at: Date;
    sent_at: Date | null;
  }>(
    `SELECT booking_id, kind, audience, channel, recipient, status, attempts, created_at, sent_at
       FROM notification.message_log WHERE booking_id = ANY($1) ORDER BY created_at, kind, audience`,
    [bookingIds],
  );
  const deliveries = await pool.query<{
    booking_id: string;
    event_type: string;
    url: string;
    personal_data: string;
    status: string;
    occurred_at: Date;
    finished_at: Date | null;
  }>(
    `SELECT d.booking_id, d.event_type, e.url, e.personal_data, d.status, d.occurred_at, d.finished_at
       FROM notification.webhook_deliveries d JOIN notification.webhook_endpoints e ON e.id = d.endpoint_id
      WHERE d.booking_id = ANY($1) ORDER BY d.occurred_at, d.id`,
    [bookingIds],
  );
  return {
    messages: messages.rows.map((row) => ({
      bookingId: row.booking_id,
      kind: row.kind,
      audience: row.audience,
      channel: row.channel,
      recipient: row.audience === 'patient' ? row.recipient : null,
      status: row.status,
      attempts: row.attempts,
      createdAt: row.created_at.toISOString(),
      sentAt: row.sent_at?.toISOString() ?? null,
    })),
    webhookDeliveries: deliveries.rows.map((row) => ({
      bookingId: row.booking_id,
      eventType: row.event_type,
      endpointUrl: row.url,
      personalData: row.personal_data,
      status: row.status,
      occurredAt: row.occurred_at.toISOString(),
      finishedAt: row.finished_at?.toISOString() ?? null,
    })),
  };
}

/**
 * Deletes the message log of the bookings and their finished webhook deliveries. A delivery still
 * pending is owed to the practice's own system and keeps its signed body until it is delivered or
 * given up; a later erasure (or the retention job) removes it then.
 */
export async function erasePatientMessages(pool: pg.Pool, bookingIds: string[]): Promise<Erasure> {
  const messages = await pool.query('DELETE FROM notification.message_log WHERE booking_id = ANY($1)', [bookingIds]);
  const finished = await pool.query(
    `DELETE FROM notification.webhook_deliveries WHERE booking_id = ANY($1) AND status <> 'pending'`,
    [bookingIds],
  );
  const pending = await pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM notification.webhook_deliveries WHERE booking_id = ANY($1)`,
    [bookingIds],
  );
  return {
    erased: { messages: messages.rowCount ?? 0, webhookDeliveries: finished.rowCount ?? 0 },
    pending: { webhookDeliveries: pending.rows[0]?.n ?? 0 },
  };
}
