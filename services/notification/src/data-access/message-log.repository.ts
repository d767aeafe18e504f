import { retryWhileUnavailable } from '@otk/db';
import type { Logger } from '@otk/telemetry';
import type pg from 'pg';
import type { Audience } from '../domain/notice.js';
import type { Claim, MessageKey, MessageLog } from '../domain/ports.js';
import { migrations } from './migrations.js';

const table = `${migrations.schema}.message_log`;

/**
 * How long a claim protects a message being sent. Longer than the slowest send (SMTP at most
 * 25 s, SMS 10 s), so a live attempt is never doubled; a worker that died mid-send leaves its
 * claim to expire, and the message is sent again (with the same Message-ID). Short, because the
 * patient waits that long for a provisional-request e-mail whose link lasts 15 minutes: the
 * event's second retry (after 5 s and 30 s) comes after the lease.
 */
export const CLAIM_LEASE_SECONDS = 30;

/** How long a sent message's mark waits for the database before the event is given up to a retry. */
const MARK_SENT_PATIENCE_MS = 5 * 60_000;

/** The message log in PostgreSQL, as the domain's `MessageLog`. */
export function messageLogRepository(pool: pg.Pool, logger: Logger): MessageLog {
  return {
    claim: (key, details) => claimMessage(pool, key, details),
    // The message is out: only this process knows it. Should the database be going away, the
    // mark is retried until it is back, rather than leave the claim to expire and the message to
    // be sent again.
    markSent: (key, providerMessageId) =>
      retryWhileUnavailable(() => markSent(pool, key, providerMessageId), {
        patienceMs: MARK_SENT_PATIENCE_MS,
        onRetry: () =>
          logger.warn(
            { eventId: key.eventId, kind: key.kind },
            'the database is unavailable; recording the sent message again shortly',
          ),
      }),
    markFailed: (key, error, permanent) => markFailed(pool, key, error, permanent),
  };
}

/**
 * Claims a message for sending (see `Claim`); a claim that is ours counts the attempt.
 */
export async function claimMessage(
  pool: pg.Pool,
  key: MessageKey,
  details: { audience: Audience; channel: 'email' | 'sms'; bookingId: string },
): Promise<Claim> {
  const claimed = await pool.query(
    `INSERT INTO ${table} (event_id, recipient, kind, audience, channel, booking_id, status)
     VALUES ($1, $2, $3, $4, $5, $6, 'sending')
     ON CONFLICT (event_id, recipient, kind) DO UPDATE
       SET attempts = ${table}.attempts + 1, status = 'sending', claimed_at = now()
       WHERE ${table}.status = 'failed'
          OR (${table}.status = 'sending' AND ${table}.claimed_at < now() - make_interval(secs => ${CLAIM_LEASE_SECONDS}))
     RETURNING attempts`,
    [key.eventId, key.recipient, key.kind, details.audience, details.channel, details.bookingId],
  );
  if (claimed.rowCount === 1) return 'claimed';
  const existing = await pool.query<{ status: string }>(
    `SELECT status FROM ${table} WHERE event_id = $1 AND recipient = $2 AND kind = $3`,
    [key.eventId, key.recipient, key.kind],
  );
  return existing.rows[0]?.status === 'sending' ? 'busy' : 'done';
}

export async function markSent(pool: pg.Pool, key: MessageKey, providerMessageId: string | undefined): Promise<void> {
  await pool.query(
    `UPDATE ${table} SET status = 'sent', sent_at = now(), provider_message_id = $4, last_error = NULL
      WHERE event_id = $1 AND recipient = $2 AND kind = $3`,
    [key.eventId, key.recipient, key.kind, providerMessageId ?? null],
  );
}

/** Records a failed attempt: `rejected` (permanent) is never tried again, `failed` is on the next delivery. */
export async function markFailed(pool: pg.Pool, key: MessageKey, error: string, permanent: boolean): Promise<void> {
  await pool.query(
    `UPDATE ${table} SET status = $5, last_error = $4
      WHERE event_id = $1 AND recipient = $2 AND kind = $3`,
    [key.eventId, key.recipient, key.kind, error.slice(0, 1000), permanent ? 'rejected' : 'failed'],
  );
}
