import { randomUUID } from 'node:crypto';
import { bookingSnapshotSchema } from '@otk/contracts';
import { withTransaction } from '@otk/db';
import type pg from 'pg';
import type { ReminderOutcome, ReminderStore } from '../domain/reminders/reminder-ports.js';

interface DueRow {
  id: string;
  booking_id: string;
  hours_before: number;
  channel: 'email' | 'sms';
  starts_at: Date;
  due_at: Date;
  attempts: number;
  booking: unknown;
}

/** The reminders in PostgreSQL (ADR 35): the table is the queue, so a restart loses nothing. */
export function reminderRepository(pool: pg.Pool): ReminderStore {
  return {
    schedule: (booking, eventAt, planned) =>
      withTransaction(pool, async (client) => {
        // The booking's row serialises its events; only a newer event of a live booking applies.
        const applied = await client.query(
          `INSERT INTO notification.reminder_bookings (booking_id, last_event_at, starts_at)
           VALUES ($1, $2, $3)
           ON CONFLICT (booking_id) DO UPDATE SET last_event_at = EXCLUDED.last_event_at, starts_at = EXCLUDED.starts_at
             WHERE NOT reminder_bookings.cancelled AND reminder_bookings.last_event_at < EXCLUDED.last_event_at`,
          [booking.bookingId, eventAt, booking.start],
        );
        if (applied.rowCount !== 1) return 'outdated';
        // A reminder being sent right now holds its row: this waits for it, then leaves it as sent.
        await client.query(`DELETE FROM notification.reminders WHERE booking_id = $1 AND status = 'pending'`, [
          booking.bookingId,
        ]);
        for (const reminder of planned) {
          await client.query(
            `INSERT INTO notification.reminders
               (id, booking_id, hours_before, channel, starts_at, due_at, next_attempt_at, booking)
             VALUES ($1, $2, $3, $4, $5, $6, $6, $7)`,
            [
              randomUUID(),
              booking.bookingId,
              reminder.hoursBefore,
              reminder.channel,
              booking.start,
              reminder.dueAt,
              JSON.stringify(booking),
            ],
          );
        }
        return 'scheduled';
      }),

    cancel: (bookingId, eventAt, startsAt) =>
      withTransaction(pool, async (client) => {
        await client.query(
          `INSERT INTO notification.reminder_bookings (booking_id, last_event_at, starts_at, cancelled)
           VALUES ($1, $2, $3, true)
           ON CONFLICT (booking_id) DO UPDATE
             SET cancelled = true, last_event_at = GREATEST(reminder_bookings.last_event_at, EXCLUDED.last_event_at)`,
          [bookingId, eventAt, startsAt],
        );
        await client.query(`DELETE FROM notification.reminders WHERE booking_id = $1 AND status = 'pending'`, [
          bookingId,
        ]);
      }),

    withNextDue: (now, work) =>
      withTransaction(pool, async (client) => {
        const { rows } = await client.query<DueRow>(
          `SELECT id, booking_id, hours_before, channel, starts_at, due_at, attempts, booking
             FROM notification.reminders
            WHERE status = 'pending' AND next_attempt_at <= $1
            ORDER BY next_attempt_at, id
            LIMIT 1
            FOR UPDATE SKIP LOCKED`,
          [now],
        );
        const row = rows[0];
        if (!row) return false;
        const booking = bookingSnapshotSchema.safeParse(row.booking);
        // Written from a validated event, so this does not happen; if it did, the row must not block the queue.
        const outcome: ReminderOutcome = booking.success
          ? await work({
              id: row.id,
              bookingId: row.booking_id,
              hoursBefore: row.hours_before,
              channel: row.channel,
              startsAt: row.starts_at,
              dueAt: row.due_at,
              attempts: row.attempts,
              booking: booking.data,
            })
          : { status: 'skipped', reason: 'given-up' };
        if (outcome.status === 'retry') {
          await client.query(
            `UPDATE notification.reminders SET attempts = attempts + 1, next_attempt_at = $2, last_error = $3
              WHERE id = $1`,
            [row.id, outcome.at, outcome.error.slice(0, 500)],
          );
        } else {
          // Finished: the booking's personal data goes with it.
          await client.query(
            `UPDATE notification.reminders
                SET status = $2, outcome = $3, attempts = attempts + 1, booking = NULL, finished_at = $4
              WHERE id = $1`,
            [row.id, outcome.status, outcome.status === 'skipped' ? outcome.reason : 'sent', now],
          );
        }
        return true;
      }),

    async isOptedOut(contactKeys) {
      const { rowCount } = await pool.query(
        `SELECT 1 FROM notification.reminder_opt_outs WHERE contact_hash = ANY($1::text[])`,
        [contactKeys],
      );
      return (rowCount ?? 0) > 0;
    },

    async addOptOutLink(tokenHash, contactKeys, expiresAt) {
      await pool.query(
        `INSERT INTO notification.reminder_opt_out_links (token_hash, contact_hashes, expires_at) VALUES ($1, $2, $3)`,
        [tokenHash, contactKeys, expiresAt],
      );
    },

    async optOut(tokenHash, now) {
      const { rowCount } = await pool.query(
        `INSERT INTO notification.reminder_opt_outs (contact_hash, opted_out_at)
         SELECT unnest(contact_hashes), $2 FROM notification.reminder_opt_out_links
          WHERE token_hash = $1 AND expires_at > $2
         ON CONFLICT (contact_hash) DO NOTHING`,
        [tokenHash, now],
      );
      if ((rowCount ?? 0) > 0) return true;
      // Opted out before (a second click): the link is still good.
      const link = await pool.query(
        `SELECT 1 FROM notification.reminder_opt_out_links WHERE token_hash = $1 AND expires_at > $2`,
        [tokenHash, now],
      );
      return link.rowCount === 1;
    },
  };
}
