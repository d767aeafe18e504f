import {
  AppError,
  type BookingSnapshot,
  type BookingStatus,
  type Channel,
  type Language,
  type LocalizedText,
  type Occupant,
  type Patient,
  type VisitKind,
} from '@otk/contracts';
import type pg from 'pg';
import { occupantKey } from '../domain/booking-rules.js';
import { migrations } from './migrations.js';

const bookings = `${migrations.schema}.bookings`;
const occupancy = `${migrations.schema}.booking_occupancy`;

type Db = Pick<pg.ClientBase, 'query'>;

/** What a slot occupies and how it is named, as availability's slot check reports it. */
export interface Slot {
  appointmentTypeId: string;
  appointmentTypeName: LocalizedText;
  practitionerId: string;
  practitionerName: string;
  timeZone: string;
  start: Date;
  end: Date;
  occupiedFrom: Date;
  occupiedUntil: Date;
  occupants: Occupant[];
}

export interface NewBooking {
  id: string;
  slot: Slot;
  visitKind: VisitKind | undefined;
  expiresAt: Date;
  changeableUntil: Date;
  language: Language;
  channel: Channel;
  patient: Patient;
  contactKey: string;
  clientKey: string | undefined;
  consentAcceptedAt: Date;
  privacyPolicyVersion: string;
  idempotencyKey: string | undefined;
  requestHash: string;
}

export interface Booking {
  id: string;
  status: BookingStatus;
  slot: Slot;
  visitKind: VisitKind | undefined;
  expiresAt: Date;
  changeableUntil: Date;
  language: Language;
  channel: Channel;
  patient: Patient;
}

interface BookingRow {
  id: string;
  status: BookingStatus;
  appointment_type_id: string;
  appointment_type_name: LocalizedText;
  practitioner_id: string;
  practitioner_name: string;
  time_zone: string;
  visit_kind: VisitKind | null;
  starts_at: Date;
  ends_at: Date;
  occupied_from: Date;
  occupied_until: Date;
  occupants: Occupant[];
  expires_at: Date;
  changeable_until: Date;
  language: Language;
  channel: Channel;
  patient: Patient;
}

function toBooking(row: BookingRow): Booking {
  return {
    id: row.id,
    status: row.status,
    slot: {
      appointmentTypeId: row.appointment_type_id,
      appointmentTypeName: row.appointment_type_name,
      practitionerId: row.practitioner_id,
      practitionerName: row.practitioner_name,
      timeZone: row.time_zone,
      start: row.starts_at,
      end: row.ends_at,
      occupiedFrom: row.occupied_from,
      occupiedUntil: row.occupied_until,
      occupants: row.occupants,
    },
    visitKind: row.visit_kind ?? undefined,
    expiresAt: row.expires_at,
    changeableUntil: row.changeable_until,
    language: row.language,
    channel: row.channel,
    patient: row.patient,
  };
}

/** The booking as events and the manage page carry it. */
export function toSnapshot(booking: Booking): BookingSnapshot {
  const { slot } = booking;
  return {
    bookingId: booking.id,
    status: booking.status,
    appointmentTypeId: slot.appointmentTypeId,
    appointmentTypeName: slot.appointmentTypeName,
    practitionerId: slot.practitionerId,
    practitionerName: slot.practitionerName,
    timeZone: slot.timeZone,
    ...(booking.visitKind ? { visitKind: booking.visitKind } : {}),
    start: slot.start.toISOString(),
    end: slot.end.toISOString(),
    occupiedFrom: slot.occupiedFrom.toISOString(),
    occupiedUntil: slot.occupiedUntil.toISOString(),
    occupants: slot.occupants,
    expiresAt: booking.status === 'held' ? booking.expiresAt.toISOString() : null,
    changeableUntil: booking.changeableUntil.toISOString(),
    language: booking.language,
    channel: booking.channel,
    patient: booking.patient,
  };
}

function isPgError(error: unknown, code: string, constraint?: string): boolean {
  const e = error as { code?: string; constraint?: string };
  return e.code === code && (constraint === undefined || e.constraint === constraint);
}

/** Advisory lock namespaces, so that keys of different kinds never share a lock. */
const lockClass = { holdLimits: 1, occupation: 2 } as const;

/** Serialises the open-hold count of one contact or client across transactions (released at commit). */
export async function lockKey(db: Db, key: string): Promise<void> {
  await db.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [lockClass.holdLimits, key]);
}

const DAY_MS = 86400_000;

/**
 * Takes a lock per occupant and UTC day the occupation touches, in one global order. Two
 * transactions inserting overlapping occupations at the same instant could otherwise each find
 * the other's row in the exclusion index and wait for each other until PostgreSQL aborts one as a
 * deadlock (a second lost). Ordered, the second simply waits and then meets SLOT_TAKEN. The
 * exclusion constraint stays the guarantee; the locks only order the work.
 */
export async function lockOccupation(db: Db, occupants: Occupant[], from: Date, until: Date): Promise<void> {
  const keys: string[] = [];
  for (const occupant of occupants) {
    for (let day = Math.floor(from.getTime() / DAY_MS); day <= Math.floor((until.getTime() - 1) / DAY_MS); day++) {
      keys.push(`${occupantKey(occupant)}|${day}`);
    }
  }
  await db.query(
    `SELECT count(pg_advisory_xact_lock($1, h))
       FROM (SELECT DISTINCT hashtext(k) AS h FROM unnest($2::text[]) AS k ORDER BY h) AS ordered`,
    [lockClass.occupation, keys],
  );
}

export async function countOpenHolds(
  db: Db,
  by: { contactKey: string; clientKey: string | undefined },
  now: Date,
): Promise<{ contact: number; client: number }> {
  const { rows } = await db.query<{ contact: number; client: number }>(
    `SELECT count(*) FILTER (WHERE contact_key = $1)::int AS contact,
            count(*) FILTER (WHERE client_key = $2)::int AS client
       FROM ${bookings}
      WHERE status = 'held' AND expires_at > $3 AND (contact_key = $1 OR client_key = $2)`,
    [by.contactKey, by.clientKey ?? null, now],
  );
  return rows[0] ?? { contact: 0, client: 0 };
}

export async function findByIdempotencyKey(
  db: Db,
  key: string,
): Promise<{ id: string; requestHash: string | null; expiresAt: Date } | undefined> {
  const { rows } = await db.query<{ id: string; request_hash: string | null; expires_at: Date }>(
    `SELECT id, request_hash, expires_at FROM ${bookings} WHERE idempotency_key = $1`,
    [key],
  );
  const row = rows[0];
  return row && { id: row.id, requestHash: row.request_hash, expiresAt: row.expires_at };
}

/**
 * Marks held bookings that are past their deadline and overlap the given occupation as expired,
 * and frees their occupancy, so that an overdue hold never blocks a slot, even before its expiry
 * message arrives. Returns them, for their `booking.expired` events.
 */
export async function expireOverdueOverlapping(
  db: Db,
  occupants: Occupant[],
  from: Date,
  until: Date,
  now: Date,
): Promise<Booking[]> {
  const { rows } = await db.query<BookingRow>(
    `UPDATE ${bookings} SET status = 'expired', updated_at = $4, ended_at = $4
      WHERE status = 'held' AND expires_at <= $4
        AND id IN (SELECT booking_id FROM ${occupancy}
                    WHERE active AND occupant = ANY($1)
                      AND tstzrange(occupied_from, occupied_until) && tstzrange($2, $3))
      RETURNING *`,
    [occupants.map(occupantKey), from, until, now],
  );
  await deactivateOccupancy(
    db,
    rows.map((r) => r.id),
  );
  return rows.map(toBooking);
}

/**
 * Whether a committed, active booking (confirmed, or held and not overdue) overlaps the slot's
 * occupation on any occupant. A fast refusal only: the exclusion constraint remains the judge.
 */
export async function isVisiblyTaken(db: Db, slot: Slot, now: Date): Promise<boolean> {
  const { rows } = await db.query(
    `SELECT 1 FROM ${occupancy} o JOIN ${bookings} b ON b.id = o.booking_id
      WHERE o.active AND o.occupant = ANY($1)
        AND tstzrange(o.occupied_from, o.occupied_until) && tstzrange($2, $3)
        AND (b.status = 'confirmed' OR (b.status = 'held' AND b.expires_at > $4))
      LIMIT 1`,
    [slot.occupants.map(occupantKey), slot.occupiedFrom, slot.occupiedUntil, now],
  );
  return rows.length > 0;
}

/** Held bookings past their deadline, locked for this transaction; other sweepers skip them. */
export async function lockOverdueHolds(db: Db, now: Date, limit: number): Promise<Booking[]> {
  const { rows } = await db.query<BookingRow>(
    `SELECT * FROM ${bookings} WHERE status = 'held' AND expires_at <= $1
      ORDER BY expires_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
    [now, limit],
  );
  return rows.map(toBooking);
}

/**
 * Inserts a held booking and one occupancy row per occupant. The exclusion constraint refuses an
 * overlap with SLOT_TAKEN; a concurrent twin with the same idempotency key surfaces as 'duplicate'.
 */
export async function insertBooking(db: Db, booking: NewBooking, now: Date): Promise<'inserted' | 'duplicate'> {
  const { slot } = booking;
  // A concurrent twin with the same idempotency key inserts nothing and learns so.
  const inserted = await db.query(
    `INSERT INTO ${bookings} (id, status, appointment_type_id, appointment_type_name, practitioner_id,
         practitioner_name, time_zone, visit_kind, starts_at, ends_at, occupied_from, occupied_until, occupants,
         expires_at, changeable_until, language, channel, patient, contact_key, client_key, consent_accepted_at,
         privacy_policy_version, idempotency_key, request_hash, created_at, updated_at)
       VALUES ($1, 'held', $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21,
         $22, $23, $24, $24)
       ON CONFLICT (idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING`,
    [
      booking.id,
      slot.appointmentTypeId,
      JSON.stringify(slot.appointmentTypeName),
      slot.practitionerId,
      slot.practitionerName,
      slot.timeZone,
      booking.visitKind ?? null,
      slot.start,
      slot.end,
      slot.occupiedFrom,
      slot.occupiedUntil,
      JSON.stringify(slot.occupants),
      booking.expiresAt,
      booking.changeableUntil,
      booking.language,
      booking.channel,
      JSON.stringify(booking.patient),
      booking.contactKey,
      booking.clientKey ?? null,
      booking.consentAcceptedAt,
      booking.privacyPolicyVersion,
      booking.idempotencyKey ?? null,
      booking.requestHash,
      now,
    ],
  );
  if (inserted.rowCount === 0) return 'duplicate';
  await insertOccupancy(db, booking.id, slot);
  return 'inserted';
}

/** One row per occupant; an overlap with an active row of the same occupant is SLOT_TAKEN. */
async function insertOccupancy(db: Db, bookingId: string, slot: Slot): Promise<void> {
  try {
    await db.query(
      `INSERT INTO ${occupancy} (booking_id, occupant, occupied_from, occupied_until)
       SELECT $1, occupant, $3, $4 FROM unnest($2::text[]) AS occupant`,
      [bookingId, [...new Set(slot.occupants.map(occupantKey))], slot.occupiedFrom, slot.occupiedUntil],
    );
  } catch (error) {
    if (isPgError(error, '23P01')) throw new AppError('SLOT_TAKEN', 'this time is no longer free');
    throw error;
  }
}

export async function deactivateOccupancy(db: Db, bookingIds: string[]): Promise<void> {
  if (bookingIds.length === 0) return;
  await db.query(`UPDATE ${occupancy} SET active = false WHERE booking_id = ANY($1::uuid[]) AND active`, [bookingIds]);
}

/** Reads a booking and locks it until the transaction ends, so two steps on it never interleave. */
export async function lockBooking(db: Db, id: string): Promise<Booking | undefined> {
  const { rows } = await db.query<BookingRow>(`SELECT * FROM ${bookings} WHERE id = $1 FOR UPDATE`, [id]);
  return rows[0] && toBooking(rows[0]);
}

export async function findBooking(db: Db, id: string): Promise<Booking | undefined> {
  const { rows } = await db.query<BookingRow>(`SELECT * FROM ${bookings} WHERE id = $1`, [id]);
  return rows[0] && toBooking(rows[0]);
}

/** Sets the status of a booking that has left the active states and frees its slot. */
export async function endBooking(db: Db, id: string, status: BookingStatus, now: Date): Promise<void> {
  await db.query(`UPDATE ${bookings} SET status = $2, updated_at = $3, ended_at = $3 WHERE id = $1`, [id, status, now]);
  await deactivateOccupancy(db, [id]);
}

export async function markConfirmed(db: Db, id: string, now: Date): Promise<void> {
  await db.query(`UPDATE ${bookings} SET status = 'confirmed', updated_at = $2, confirmed_at = $2 WHERE id = $1`, [
    id,
    now,
  ]);
}

/**
 * Moves a booking to another slot: its old occupancy goes first, then the new one is inserted, so
 * a new slot that overlaps the old one is fine and one taken by anyone else is SLOT_TAKEN — in
 * which case the caller's transaction rolls back and nothing changes.
 */
export async function moveBooking(db: Db, id: string, slot: Slot, changeableUntilAt: Date, now: Date): Promise<void> {
  await db.query(`DELETE FROM ${occupancy} WHERE booking_id = $1`, [id]);
  await insertOccupancy(db, id, slot);
  await db.query(
    `UPDATE ${bookings} SET appointment_type_id = $2, appointment_type_name = $3, practitioner_id = $4,
       practitioner_name = $5, time_zone = $6, starts_at = $7, ends_at = $8, occupied_from = $9,
       occupied_until = $10, occupants = $11, changeable_until = $12, updated_at = $13
     WHERE id = $1`,
    [
      id,
      slot.appointmentTypeId,
      JSON.stringify(slot.appointmentTypeName),
      slot.practitionerId,
      slot.practitionerName,
      slot.timeZone,
      slot.start,
      slot.end,
      slot.occupiedFrom,
      slot.occupiedUntil,
      JSON.stringify(slot.occupants),
      changeableUntilAt,
      now,
    ],
  );
}

/** Every active booking (held and not overdue, or confirmed) that ends after `from`. */
export async function listActiveBookings(db: Db, from: Date, now: Date): Promise<Booking[]> {
  const { rows } = await db.query<BookingRow>(
    `SELECT * FROM ${bookings}
      WHERE occupied_until > $1 AND (status = 'confirmed' OR (status = 'held' AND expires_at > $2))
      ORDER BY occupied_from`,
    [from, now],
  );
  return rows.map(toBooking);
}

/**
 * Held or confirmed bookings whose occupation comes closest to `at` (within a few hours): the
 * candidates that may make availability call a slot at `at` busy.
 */
export async function activeBookingsNear(db: Db, at: Date, limit: number): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT id FROM ${bookings}
      WHERE status IN ('held', 'confirmed')
        AND occupied_until > $1::timestamptz - interval '4 hours' AND occupied_from < $1::timestamptz + interval '4 hours'
      ORDER BY CASE WHEN tstzrange(occupied_from, occupied_until) @> $1::timestamptz THEN 0 ELSE 1 END,
               abs(extract(epoch FROM occupied_from - $1::timestamptz))
      LIMIT $2`,
    [at, limit],
  );
  return rows.map((r) => r.id);
}
