import { withTransaction } from '@otk/db';
import type pg from 'pg';
import type { AttemptRecorder, DueDelivery } from '../domain/webhooks/webhook-ports.js';

interface DueRow {
  id: string;
  endpoint_id: string;
  event_id: string;
  event_type: string;
  url: string;
  payload: string;
  attempts: number;
  secret: string;
  previous_secret: string | null;
  previous_secret_until: Date | null;
}

/**
 * The deliveries of webhook events: the work queue of the sender and the delivery log (ADR 34).
 */
export function webhookDeliveryRepository(pool: pg.Pool) {
  return {
    /** One delivery per endpoint; a redelivered event adds nothing. */
    async enqueue(
      event: { id: string; type: string; bookingId: string; occurredAt: string },
      deliveries: { endpointId: string; payload: string }[],
      now: Date,
    ): Promise<number> {
      let added = 0;
      for (const { endpointId, payload } of deliveries) {
        const { rowCount } = await pool.query(
          `INSERT INTO notification.webhook_deliveries
             (endpoint_id, event_id, event_type, booking_id, occurred_at, status, next_attempt_at, payload)
           VALUES ($1, $2, $3, $4, $5, 'pending', $6, $7)
           ON CONFLICT (endpoint_id, event_id) DO NOTHING`,
          [endpointId, event.id, event.type, event.bookingId, event.occurredAt, now, payload],
        );
        added += rowCount ?? 0;
      }
      return added;
    },

    /**
     * Takes the next due delivery and holds it (row lock, SKIP LOCKED: other workers take others)
     * while `work` sends it and records the result in the same transaction. A worker that dies
     * mid-attempt releases the row by ending its connection; the delivery is tried again. A
     * delivery waits while an earlier event of the same booking is pending for the same endpoint:
     * a receiver sees each booking's events in the order they happened. Resolves false when
     * nothing is due.
     */
    async withNextDue(
      now: Date,
      work: (delivery: DueDelivery, attempt: AttemptRecorder) => Promise<void>,
    ): Promise<boolean> {
      return withTransaction(pool, async (client) => {
        const { rows } = await client.query<DueRow>(
          `SELECT d.id, d.endpoint_id, d.event_id, d.event_type, e.url, d.payload, d.attempts,
                  e.secret, e.previous_secret, e.previous_secret_until
             FROM notification.webhook_deliveries d
             JOIN notification.webhook_endpoints e ON e.id = d.endpoint_id
            WHERE d.status = 'pending' AND d.next_attempt_at <= $1 AND e.enabled
              AND NOT EXISTS (
                SELECT 1 FROM notification.webhook_deliveries earlier
                 WHERE earlier.endpoint_id = d.endpoint_id AND earlier.booking_id = d.booking_id
                   AND earlier.status = 'pending'
                   AND (earlier.occurred_at, earlier.id) < (d.occurred_at, d.id))
            ORDER BY d.next_attempt_at, d.id
            LIMIT 1
            FOR UPDATE OF d SKIP LOCKED`,
          [now],
        );
        const row = rows[0];
        if (!row) return false;
        const delivery: DueDelivery = {
          id: row.id,
          endpointId: row.endpoint_id,
          eventId: row.event_id,
          eventType: row.event_type,
          url: row.url,
          payload: row.payload,
          attempts: row.attempts,
          secrets: {
            current: row.secret,
            previous:
              row.previous_secret && row.previous_secret_until
                ? { secret: row.previous_secret, until: row.previous_secret_until }
                : null,
          },
        };
        await work(delivery, {
          async lockEndpointStreak() {
            const { rows: streak } = await client.query<{ consecutive_failures: number; failing_since: Date | null }>(
              `SELECT consecutive_failures, failing_since FROM notification.webhook_endpoints WHERE id = $1 FOR UPDATE`,
              [row.endpoint_id],
            );
            return {
              consecutiveFailures: streak[0]?.consecutive_failures ?? 0,
              failingSince: streak[0]?.failing_since ?? null,
            };
          },
          async record(record) {
            const finished = record.delivery.status !== 'pending';
            await client.query(
              `UPDATE notification.webhook_deliveries
                  SET status = $2, attempts = attempts + 1, last_attempt_at = $3, last_http_status = $4,
                      last_error = $5, next_attempt_at = COALESCE($6, next_attempt_at),
                      payload = CASE WHEN $7 THEN NULL ELSE payload END,
                      finished_at = CASE WHEN $7 THEN $3::timestamptz ELSE NULL END
                WHERE id = $1`,
              [
                row.id,
                record.delivery.status,
                now,
                record.httpStatus,
                record.error,
                record.delivery.status === 'pending' ? record.delivery.nextAttemptAt : null,
                finished,
              ],
            );
            const { endpoint } = record;
            await client.query(
              `UPDATE notification.webhook_endpoints
                  SET consecutive_failures = $2, failing_since = $3,
                      enabled = enabled AND NOT $4,
                      disabled_reason = CASE WHEN $4 AND enabled THEN 'failing' ELSE disabled_reason END,
                      disabled_at = CASE WHEN $4 AND enabled THEN $5::timestamptz ELSE disabled_at END,
                      disabled_notice_pending = disabled_notice_pending OR ($4 AND enabled)
                WHERE id = $1`,
              [row.endpoint_id, endpoint.consecutiveFailures, endpoint.failingSince, endpoint.disable, now],
            );
          },
        });
        return true;
      });
    },

    /** The delivery log of an endpoint, newest first: states and codes, never payloads. */
    async log(endpointId: string, limit: number) {
      const { rows } = await pool.query<{
        id: string;
        event_id: string;
        event_type: string;
        booking_id: string;
        status: string;
        attempts: number;
        last_http_status: number | null;
        last_error: string | null;
        next_attempt_at: Date;
        created_at: Date;
        finished_at: Date | null;
      }>(
        `SELECT id, event_id, event_type, booking_id, status, attempts, last_http_status, last_error,
                next_attempt_at, created_at, finished_at
           FROM notification.webhook_deliveries WHERE endpoint_id = $1
          ORDER BY id DESC LIMIT $2`,
        [endpointId, limit],
      );
      return rows.map((r) => ({
        deliveryId: r.id,
        eventId: r.event_id,
        eventType: r.event_type,
        bookingId: r.booking_id,
        status: r.status,
        attempts: r.attempts,
        lastHttpStatus: r.last_http_status,
        lastError: r.last_error,
        nextAttemptAt: r.status === 'pending' ? r.next_attempt_at.toISOString() : null,
        createdAt: r.created_at.toISOString(),
        finishedAt: r.finished_at?.toISOString() ?? null,
      }));
    },
  };
}
export type WebhookDeliveryRepository = ReturnType<typeof webhookDeliveryRepository>;
