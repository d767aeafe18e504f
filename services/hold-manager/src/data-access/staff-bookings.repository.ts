import type { BookingStatus, CommandRequestParsed, StaffBookingView } from '@otk/contracts';
import type pg from 'pg';
import { type Booking, toSnapshot } from '../domain/booking.js';
import type { StaffBookingReads } from '../domain/staff-bookings.use-case.js';
import { type BookingRow, toBooking } from './booking.repository.js';
import { migrations } from './migrations.js';

const bookings = `${migrations.schema}.bookings`;
type Db = Pick<pg.ClientBase, 'query'>;

export interface Times {
  created_at: Date;
  confirmed_at: Date | null;
  ended_at: Date | null;
}

function toStaffView(booking: Booking, times: Times): StaffBookingView {
  const { occupants: _o, occupiedFrom: _f, occupiedUntil: _u, ...snapshot } = toSnapshot(booking);
  return {
    ...snapshot,
    createdAt: times.created_at.toISOString(),
    confirmedAt: times.confirmed_at?.toISOString() ?? null,
    endedAt: times.ended_at?.toISOString() ?? null,
  };
}

/** The page position: the start and id of the last booking shown. */
function encodeCursor(start: Date, id: string): string {
  return Buffer.from(JSON.stringify([start.toISOString(), id])).toString('base64url');
}

function decodeCursor(cursor: string | undefined): [string, string] | undefined {
  if (!cursor) return undefined;
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as unknown;
    if (Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'string')) {
      return [value[0] as string, value[1] as string];
    }
  } catch {
    // falls through: an unreadable cursor starts from the beginning
  }
  return undefined;
}

/** The console's reads of hold-manager's bookings, in PostgreSQL. */
export function staffBookingReads(db: Db): StaffBookingReads {
  return {
    list: (query) => listStaffBookings(db, query),
    find: (bookingId) => findStaffBooking(db, bookingId),
  };
}

/** Bookings starting in [from, to), by start then id, one page after the cursor. */
async function listStaffBookings(
  db: Db,
  query: CommandRequestParsed<'booking.list'>,
): Promise<{ bookings: StaffBookingView[]; nextCursor: string | null }> {
  const after = decodeCursor(query.cursor);
  const { rows } = await db.query<BookingRow & Times>(
    `SELECT * FROM ${bookings}
      WHERE starts_at >= $1 AND starts_at < $2
        AND ($3::text[] IS NULL OR status = ANY($3))
        AND ($4::text IS NULL OR practitioner_id = $4)
        AND ($5::timestamptz IS NULL OR (starts_at, id) > ($5, $6::uuid))
      ORDER BY starts_at, id LIMIT $7`,
    [
      query.from,
      query.to,
      (query.statuses as BookingStatus[] | undefined) ?? null,
      query.practitionerId ?? null,
      after?.[0] ?? null,
      after?.[1] ?? null,
      query.limit + 1,
    ],
  );
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    bookings: page.map((row) => toStaffView(toBooking(row), row)),
    nextCursor: rows.length > query.limit && last ? encodeCursor(last.starts_at, last.id) : null,
  };
}

/** One booking with the times of its steps, for the console's detail view. */
async function findStaffBooking(
  db: Db,
  bookingId: string,
): Promise<{ booking: StaffBookingView; history: { at: string; what: string }[] } | undefined> {
  const { rows } = await db.query<BookingRow & Times>(`SELECT * FROM ${bookings} WHERE id = $1`, [bookingId]);
  const row = rows[0];
  return row ? staffViewWithHistory(row) : undefined;
}

/** A booking row as the console shows it, with the times of its steps. */
export function staffViewWithHistory(row: BookingRow & Times): {
  booking: StaffBookingView;
  history: { at: string; what: string }[];
} {
  const booking = toBooking(row);
  const history = [{ at: row.created_at.toISOString(), what: 'held' }];
  if (row.confirmed_at) history.push({ at: row.confirmed_at.toISOString(), what: 'confirmed' });
  if (row.ended_at) history.push({ at: row.ended_at.toISOString(), what: booking.status });
  return { booking: toStaffView(booking, row), history };
}
