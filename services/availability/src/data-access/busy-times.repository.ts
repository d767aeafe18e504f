import type { BookingStatus, BusyTimesImportedV1, Occupancy } from '@otk/contracts';
import type pg from 'pg';
import { type BusyEntry, isBlockingStatus } from '../domain/busy-index.js';

/** NOTIFY channel: a busy time changed; the payload is its `<source>:<id>` key, or `*` for many. */
export const busyChannel = 'availability_busy';

/** Tombstones of ended bookings are kept; entries that ended this long ago are not loaded. */
const LOAD_PAST_MS = 24 * 3600_000;

interface BusyRow {
  source: string;
  source_id: string;
  status: string;
  occupied_from: Date;
  occupied_until: Date;
  occupants: BusyEntry['occupants'];
  expires_at: Date | null;
}

const columns = 'source, source_id, status, occupied_from, occupied_until, occupants, expires_at';

function toEntry(row: BusyRow): BusyEntry | undefined {
  if (!isBlockingStatus(row.status)) return undefined;
  return {
    key: `${row.source}:${row.source_id}`,
    status: row.status,
    interval: { from: row.occupied_from.getTime(), until: row.occupied_until.getTime() },
    occupants: row.occupants,
    expiresAt: row.expires_at?.getTime() ?? null,
  };
}

/** Every entry that still blocks or may block: what a replica keeps in memory. */
export async function loadBlockingBusyTimes(pool: pg.Pool, now: Date): Promise<BusyEntry[]> {
  const { rows } = await pool.query<BusyRow>(
    `SELECT ${columns} FROM availability.busy_times
      WHERE status IN ('held', 'confirmed', 'busy') AND occupied_until > $1`,
    [new Date(now.getTime() - LOAD_PAST_MS)],
  );
  return rows.map(toEntry).filter((e): e is BusyEntry => e !== undefined);
}

/** One entry by its key; undefined when it does not block (or does not exist). */
export async function loadBusyTime(pool: pg.Pool, key: string): Promise<BusyEntry | undefined> {
  const separator = key.indexOf(':');
  const { rows } = await pool.query<BusyRow>(
    `SELECT ${columns} FROM availability.busy_times WHERE source = $1 AND source_id = $2`,
    [key.slice(0, separator), key.slice(separator + 1)],
  );
  return rows[0] ? toEntry(rows[0]) : undefined;
}

export interface BookingState extends Occupancy {
  bookingId: string;
  status: BookingStatus;
  expiresAt: string | null;
}

/**
 * Records a booking's state as of `version` (when it came about), unless the row already holds
 * newer news: an event that arrives late never undoes a later one. At equal versions a further
 * step of the lifecycle wins (held < confirmed < ended). Returns whether the row changed; then
 * every replica is told, on commit.
 */
export async function applyBookingState(client: pg.ClientBase, state: BookingState, version: Date): Promise<boolean> {
  const result = await client.query(
    `INSERT INTO availability.busy_times AS b
            (source, source_id, status, occupied_from, occupied_until, occupants, expires_at, version)
     VALUES ('booking', $1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (source, source_id) DO UPDATE
        SET status = EXCLUDED.status, occupied_from = EXCLUDED.occupied_from,
            occupied_until = EXCLUDED.occupied_until, occupants = EXCLUDED.occupants,
            expires_at = EXCLUDED.expires_at, version = EXCLUDED.version, updated_at = now()
      WHERE b.version < EXCLUDED.version
         OR (b.version = EXCLUDED.version AND ${rank('EXCLUDED.status')} > ${rank('b.status')})`,
    [
      state.bookingId,
      state.status,
      state.occupiedFrom,
      state.occupiedUntil,
      JSON.stringify(state.occupants),
      state.expiresAt,
      version,
    ],
  );
  const changed = (result.rowCount ?? 0) > 0;
  if (changed) await client.query('SELECT pg_notify($1, $2)', [busyChannel, `booking:${state.bookingId}`]);
  return changed;
}

/**
 * After a rebuild from hold-manager's list of active bookings as of `asOf`: bookings that this
 * index still thinks active, that the list lacks and that nothing newer touched, ended meanwhile
 * (their events were lost or are still on their way) and are released.
 */
export async function releaseBookingsMissingFrom(
  client: pg.ClientBase,
  activeIds: readonly string[],
  asOf: Date,
): Promise<number> {
  const result = await client.query(
    `UPDATE availability.busy_times SET status = 'removed', version = $2, updated_at = now()
      WHERE source = 'booking' AND status IN ('held', 'confirmed') AND version < $2
        AND NOT (source_id = ANY($1::text[]))`,
    [activeIds, asOf],
  );
  const released = result.rowCount ?? 0;
  if (released > 0) await client.query('SELECT pg_notify($1, $2)', [busyChannel, '*']);
  return released;
}

/**
 * Replaces the staff-made busy times with an import from the practice system (as of `version`):
 * every imported entry blocks its practitioner and resources, and entries that an earlier import
 * brought and this one lacks were deleted in the practice calendar and stop blocking. An import
 * older than what a row holds changes nothing there.
 */
export async function replacePracticeBusyTimes(
  client: pg.ClientBase,
  imported: BusyTimesImportedV1,
  version: Date,
): Promise<void> {
  for (const busy of imported.busyTimes) {
    const occupants = [
      ...(busy.practitionerId ? [{ kind: 'practitioner', id: busy.practitionerId }] : []),
      ...busy.resourceIds.map((id) => ({ kind: 'resource', id })),
    ];
    if (occupants.length === 0 || Date.parse(busy.end) <= Date.parse(busy.start)) continue;
    await client.query(
      `INSERT INTO availability.busy_times AS b
              (source, source_id, status, occupied_from, occupied_until, occupants, expires_at, version)
       VALUES ('practice-system', $1, 'busy', $2, $3, $4, NULL, $5)
       ON CONFLICT (source, source_id) DO UPDATE
          SET status = 'busy', occupied_from = EXCLUDED.occupied_from, occupied_until = EXCLUDED.occupied_until,
              occupants = EXCLUDED.occupants, version = EXCLUDED.version, updated_at = now()
        WHERE b.version < EXCLUDED.version`,
      [busy.entryId, busy.start, busy.end, JSON.stringify(occupants), version],
    );
  }
  await client.query(
    `UPDATE availability.busy_times SET status = 'removed', version = $2, updated_at = now()
      WHERE source = 'practice-system' AND status = 'busy' AND version < $2 AND NOT (source_id = ANY($1::text[]))`,
    [imported.busyTimes.map((b) => b.entryId), version],
  );
  await client.query('SELECT pg_notify($1, $2)', [busyChannel, '*']);
}

function rank(status: string): string {
  return `(CASE ${status} WHEN 'held' THEN 0 WHEN 'confirmed' THEN 1 ELSE 2 END)`;
}
