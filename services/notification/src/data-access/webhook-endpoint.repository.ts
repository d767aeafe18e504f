import { randomUUID } from 'node:crypto';
import { withTransaction } from '@otk/db';
import type pg from 'pg';
import type { PersonalDataLevel, WebhookEndpoint, WebhookEventType } from '../domain/webhooks/webhook-endpoint.js';

interface EndpointRow {
  id: string;
  url: string;
  description: string;
  event_types: WebhookEventType[];
  personal_data: PersonalDataLevel;
  enabled: boolean;
  disabled_reason: 'operator' | 'failing' | null;
  consecutive_failures: number;
  failing_since: Date | null;
  previous_secret_until: Date | null;
}

const columns = `id, url, description, event_types, personal_data, enabled, disabled_reason,
  consecutive_failures, failing_since, previous_secret_until`;

function toEndpoint(row: EndpointRow): WebhookEndpoint {
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    eventTypes: row.event_types,
    personalData: row.personal_data,
    enabled: row.enabled,
    disabledReason: row.disabled_reason,
    consecutiveFailures: row.consecutive_failures,
    failingSince: row.failing_since,
    previousSecretUntil: row.previous_secret_until,
  };
}

/** The webhook endpoints of the practice (ADR 34); their secrets leave only through `addEndpoint` and `rotateSecret`. */
export function webhookEndpointRepository(pool: pg.Pool) {
  return {
    async addEndpoint(endpoint: {
      url: string;
      description: string;
      eventTypes: WebhookEventType[];
      personalData: PersonalDataLevel;
      secret: string;
    }): Promise<WebhookEndpoint> {
      const { rows } = await pool.query<EndpointRow>(
        `INSERT INTO notification.webhook_endpoints (id, url, description, event_types, personal_data, secret)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${columns}`,
        [randomUUID(), endpoint.url, endpoint.description, endpoint.eventTypes, endpoint.personalData, endpoint.secret],
      );
      return toEndpoint(rows[0]!);
    },

    async list(): Promise<WebhookEndpoint[]> {
      const { rows } = await pool.query<EndpointRow>(
        `SELECT ${columns} FROM notification.webhook_endpoints ORDER BY created_at, id`,
      );
      return rows.map(toEndpoint);
    },

    async find(id: string): Promise<WebhookEndpoint | undefined> {
      const { rows } = await pool.query<EndpointRow>(
        `SELECT ${columns} FROM notification.webhook_endpoints WHERE id = $1`,
        [id],
      );
      return rows[0] && toEndpoint(rows[0]);
    },

    /** The enabled endpoints that subscribed to `eventType`. */
    async subscribedTo(eventType: WebhookEventType): Promise<WebhookEndpoint[]> {
      const { rows } = await pool.query<EndpointRow>(
        `SELECT ${columns} FROM notification.webhook_endpoints WHERE enabled AND $1 = ANY (event_types)`,
        [eventType],
      );
      return rows.map(toEndpoint);
    },

    /**
     * The new secret signs from now on; the old one also signs until `previousUntil`. A rotation
     * during a rotation drops the oldest secret. False: no such endpoint.
     */
    async rotateSecret(id: string, secret: string, previousUntil: Date): Promise<boolean> {
      const { rowCount } = await pool.query(
        `UPDATE notification.webhook_endpoints
            SET previous_secret = secret, previous_secret_until = $3, secret = $2
          WHERE id = $1`,
        [id, secret, previousUntil],
      );
      return rowCount === 1;
    },

    /** Ends a rotation now: only the current secret signs. */
    async retirePreviousSecret(id: string): Promise<boolean> {
      const { rowCount } = await pool.query(
        `UPDATE notification.webhook_endpoints SET previous_secret = NULL, previous_secret_until = NULL WHERE id = $1`,
        [id],
      );
      return rowCount === 1;
    },

    /**
     * Enabling starts a fresh failure streak and sends what waited at once; disabling by an
     * operator keeps the waiting deliveries for a later enable.
     */
    async setEnabled(id: string, enabled: boolean, now: Date): Promise<boolean> {
      return withTransaction(pool, async (client) => {
        const { rowCount } = await client.query(
          `UPDATE notification.webhook_endpoints
              SET enabled = $2,
                  disabled_reason = CASE WHEN $2 THEN NULL ELSE 'operator' END,
                  disabled_at = CASE WHEN $2 THEN NULL ELSE $3::timestamptz END,
                  consecutive_failures = 0, failing_since = NULL, disabled_notice_pending = false
            WHERE id = $1`,
          [id, enabled, now],
        );
        if (rowCount !== 1) return false;
        if (enabled)
          await client.query(
            `UPDATE notification.webhook_deliveries SET next_attempt_at = $2
              WHERE endpoint_id = $1 AND status = 'pending' AND next_attempt_at > $2`,
            [id, now],
          );
        return true;
      });
    },

    async remove(id: string): Promise<boolean> {
      const { rowCount } = await pool.query('DELETE FROM notification.webhook_endpoints WHERE id = $1', [id]);
      return rowCount === 1;
    },

    /** Endpoints the service disabled whose staff notice has not gone out yet. */
    async disabledNoticesPending(): Promise<WebhookEndpoint[]> {
      const { rows } = await pool.query<EndpointRow>(
        `SELECT ${columns} FROM notification.webhook_endpoints WHERE disabled_notice_pending AND NOT enabled`,
      );
      return rows.map(toEndpoint);
    },

    async disabledNoticeSent(id: string): Promise<void> {
      await pool.query('UPDATE notification.webhook_endpoints SET disabled_notice_pending = false WHERE id = $1', [id]);
    },
  };
}
export type WebhookEndpointRepository = ReturnType<typeof webhookEndpointRepository>;
