import { withTransaction } from '@otk/db';
import type pg from 'pg';
import type { CalendarSequences } from '../domain/ports.js';
import { migrations } from './migrations.js';

const table = `${migrations.schema}.calendar_sequence`;

/**
 * The SEQUENCE for the calendar file of one booking event: 0 for the first, one more for each
 * later event of the booking, and the same number again when an event is redelivered. Events of
 * one booking are numbered one at a time (an advisory lock per booking), in the order they arrive.
 */
export async function calendarSequenceFor(pool: pg.Pool, bookingId: string, eventId: string): Promise<number> {
  return withTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`calendar:${bookingId}`]);
    const known = await client.query<{ sequence: number }>(`SELECT sequence FROM ${table} WHERE event_id = $1`, [
      eventId,
    ]);
    if (known.rows[0]) return known.rows[0].sequence;
    const next = await client.query<{ sequence: number }>(
      `INSERT INTO ${table} (booking_id, event_id, sequence)
       SELECT $1, $2, COALESCE(MAX(sequence) + 1, 0) FROM ${table} WHERE booking_id = $1
       RETURNING sequence`,
      [bookingId, eventId],
    );
    return next.rows[0]!.sequence;
  });
}

/** The sequences in PostgreSQL, as the domain's `CalendarSequences`. */
export function calendarSequenceRepository(pool: pg.Pool): CalendarSequences {
  return { sequenceFor: (bookingId, eventId) => calendarSequenceFor(pool, bookingId, eventId) };
}
