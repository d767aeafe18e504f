import {
  type BookingStatus,
  type Channel,
  type Language,
  type LocalizedText,
  type Occupant,
  type Patient,
  type VisitKind,
} from '@otk/contracts';
import { appendToOutbox } from '@otk/db';
import type pg from 'pg';
import type { Booking, IdempotentHold, NewHold, Occupation, Slot } from '../domain/booking.js';
import { type PracticeSettings, occupantKey, slotTaken } from '../domain/booking-rules.js';
import type { BookingReads, BookingRepository, BookingTransaction, StoredToken } from '../domain/ports.js';
import type { TokenPurpose } from '../domain/token.js';
import { migrations } from './migrations.js';
import { inTransaction } from './transaction.js';

const schema = migrations.schema;
const bookings = `${schema}.bookings`;
const occupancy = `${schema}.booking_occupancy`;
const tokens = `${schema}.booking_tokens`;

type Db = Pick<pg.ClientBase, 'query'>;

/** hold-manager's bookings in PostgreSQL: the exclusion constraint on booking_occupancy is the judge of "taken". */
export function bookingRepository(pool: pg.Pool): BookingRepository {
  const poolReads = reads(pool);
  return {
    ...poolReads,
    isPractitionerTakenAt: lookedUpOncePerTurn(poolReads.isPractitionerTakenAt),
    findByIdempotencyKey: keysLookedUpTogetherPerTurn(pool),
    inTransaction: (work) => inTransaction(pool, (client) => work(transaction(client))),
  };
}

type PractitionerTakenAt = BookingReads['isPractitionerTakenAt'];

/**
 * The look whether a practitioner is booked at a start, asked once for everyone who asks the same
 * within one turn of the event loop. Under contention hundreds of requests for one slot arrive
 * together; they wait for the next turn and share one query, which is sent after the last of them
 * arrived — so no answer is older than the request that gets it — and judges "overdue" by the
 * latest `now` among them. A look that fails fails for each of them.
 */
function lookedUpOncePerTurn(look: PractitionerTakenAt): PractitionerTakenAt {
  const gathering = new Map<string, { practitionerId: string; start: Date; now: Date; answer: Promise<boolean> }>();
  return (practitionerId, start, now) => {
    const key = `${practitionerId}|${start.getTime()}`;
    const joined = gathering.get(key);
    if (joined) {
      if (now > joined.now) joined.now = now;
      return joined.answer;
    }
    const batch = { practitionerId, start, now, answer: Promise.resolve(false) };
    batch.answer = nextTurn().then(() => {
      gathering.delete(key);
      return look(batch.practitionerId, batch.start, batch.now);
    });
    gathering.set(key, batch);
    return batch.answer;
  };
}

function reads(db: Db): BookingReads {
  return {
    settings: () => readSettings(db),
    findByIdempotencyKey: (key) => findByIdempotencyKey(db, key),
    findBooking: (id) => selectBooking(db, 'WHERE id = $1', [id]),
    findToken: (hash) => findToken(db, hash),
    isTaken: (occupation, now) => isTaken(db, occupation, now),
    isPractitionerTakenAt: async (practitionerId, start, now) =>
      (
        await db.query(
          `SELECT 1 FROM ${occupancy} o JOIN ${bookings} b ON b.id = o.booking_id
            WHERE o.active AND o.occupant = $1 AND tstzrange(o.occupied_from, o.occupied_until) @> $2::timestamptz
              AND (b.status = 'confirmed' OR (b.status = 'held' AND b.expires_at > $3))
            LIMIT 1`,
          [occupantKey({ kind: 'practitioner', id: practitionerId }), start, now],
        )
      ).rows.length > 0,
    listActive: async (from, now) =>
      (
        await db.query<BookingRow>(
          `SELECT * FROM ${bookings}
            WHERE occupied_until > $1 AND (status = 'confirmed' OR (status = 'held' AND expires_at > $2))
            ORDER BY occupied_from`,
          [from, now],
        )
      ).rows.map(toBooking),
  };
}

function transaction(client: pg.PoolClient): BookingTransaction {
  return {
    settings: () => readSettings(client),
    isTaken: (occupation, now) => isTaken(client, occupation, now),
    lockOccupation: (occupation) => lockOccupation(client, occupation),
    lockHoldLimits: (keys) => lockKeys(client, lockClass.holdLimits, keys),
    countOpenHolds: (by, now) => countOpenHolds(client, by, now),
    lockHeldOverlapping: async (occupation) =>
      (
        await client.query<BookingRow>(
          `SELECT * FROM ${bookings}
            WHERE status = 'held'
              AND id IN (SELECT booking_id FROM ${occupancy}
                          WHERE active AND occupant = ANY($1)
                            AND tstzrange(occupied_from, occupied_until) && tstzrange($2, $3))
            FOR UPDATE`,
          [occupation.occupants.map(occupantKey), occupation.occupiedFrom, occupation.occupiedUntil],
        )
      ).rows.map(toBooking),
    insertHold: (hold, now) => insertHold(client, hold, now),
    insertToken: async (token) => {
      await client.query(
        `INSERT INTO ${tokens} (token_hash, booking_id, purpose, expires_at) VALUES ($1, $2, $3, $4)`,
        [token.hash, token.bookingId, token.purpose, token.expiresAt],
      );
    },
    extendManageTokens: async (bookingId, expiresAt) => {
      await client.query(`UPDATE ${tokens} SET expires_at = $2 WHERE booking_id = $1 AND purpose = 'manage'`, [
        bookingId,
        expiresAt,
      ]);
    },
    lockBooking: (id) => selectBooking(client, 'WHERE id = $1 FOR UPDATE', [id]),
    lockOverdueHolds: async (now, limit) =>
      (
        await client.query<BookingRow>(
          `SELECT * FROM ${bookings} WHERE status = 'held' AND expires_at <= $1
            ORDER BY expires_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
          [now, limit],
        )
      ).rows.map(toBooking),
    markConfirmed: async (id, now) => {
      await client.query(
        `UPDATE ${bookings} SET status = 'confirmed', updated_at = $2, confirmed_at = $2 WHERE id = $1`,
        [id, now],
      );
    },
    endBooking: async (id, status, now) => {
      await client.query(`UPDATE ${bookings} SET status = $2, updated_at = $3, ended_at = $3 WHERE id = $1`, [
        id,
        status,
        now,
      ]);
      await client.query(`UPDATE ${occupancy} SET active = false WHERE booking_id = $1 AND active`, [id]);
    },
    moveBooking: (id, slot, changeableUntil, now) => moveBooking(client, id, slot, changeableUntil, now),
    record: (event, bookingId) => appendToOutbox(client, schema, event, { subjectId: bookingId }),
  };
}

/** A row of hold_manager.bookings as PostgreSQL returns it. */
export interface BookingRow {
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

export function toBooking(row: BookingRow): Booking {
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

async function selectBooking(db: Db, where: string, params: unknown[]): Promise<Booking | undefined> {
  const { rows } = await db.query<BookingRow>(`SELECT * FROM ${bookings} ${where}`, params);
  return rows[0] && toBooking(rows[0]);
}

/** The practice's booking rules (A1, A3, D4), read on every use so that an edit applies at once. */
export async function readSettings(db: Db): Promise<PracticeSettings> {
  const { rows } = await db.query<{
    confirmation_window_seconds: number;
    cancellation_deadline_seconds: number;
    max_open_holds_per_contact: number;
    max_open_holds_per_client: number;
  }>(`SELECT * FROM ${schema}.settings WHERE id = 'practice'`);
  const row = rows[0];
  if (!row) throw new Error('hold_manager.settings has no row: the settings migration did not run');
  return {
    confirmationWindowSeconds: row.confirmation_window_seconds,
    cancellationDeadlineSeconds: row.cancellation_deadline_seconds,
    maxOpenHoldsPerContact: row.max_open_holds_per_contact,
    maxOpenHoldsPerClient: row.max_open_holds_per_client,
  };
}

async function findToken(db: Db, hash: string): Promise<StoredToken | undefined> {
  const { rows } = await db.query<{ booking_id: string; purpose: TokenPurpose; expires_at: Date }>(
    `SELECT booking_id, purpose, expires_at FROM ${tokens} WHERE token_hash = $1`,
    [hash],
  );
  const row = rows[0];
  return row && { bookingId: row.booking_id, purpose: row.purpose, expiresAt: row.expires_at };
}

/**
 * Idempotency keys looked up within one turn of the event loop are looked up together, in one
 * query sent after the last of them arrived (so no answer is older than its request): a crowd of
 * patients who all send an Idempotency-Key, as the site does, costs one read per turn, not one each.
 */
function keysLookedUpTogetherPerTurn(db: Db): BookingReads['findByIdempotencyKey'] {
  let batch: { answers: Map<string, Promise<IdempotentHold | undefined>>; holds: Promise<Map<string, IdempotentHold>> };
  let gathering = false;
  return (key) => {
    if (!gathering) {
      gathering = true;
      const answers = new Map<string, Promise<IdempotentHold | undefined>>();
      const holds = nextTurn().then(() => {
        gathering = false;
        return findByIdempotencyKeys(db, [...answers.keys()]);
      });
      batch = { answers, holds };
    }
    const { answers, holds } = batch;
    let answer = answers.get(key);
    if (!answer) {
      answer = holds.then((found) => found.get(key));
      answers.set(key, answer);
    }
    return answer;
  };
}

/** Resolves in the next turn of the event loop, once what arrived in this one has been taken up. */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

async function findByIdempotencyKeys(db: Db, keys: string[]): Promise<Map<string, IdempotentHold>> {
  const { rows } = await db.query<{ key: string; id: string; request_hash: string | null; expires_at: Date }>(
    `SELECT idempotency_key AS key, id, request_hash, expires_at FROM ${bookings} WHERE idempotency_key = ANY($1::text[])`,
    [keys],
  );
  return new Map(
    rows.map((row) => [row.key, { id: row.id, requestHash: row.request_hash, expiresAt: row.expires_at }]),
  );
}

async function findByIdempotencyKey(db: Db, key: string): Promise<IdempotentHold | undefined> {
  const { rows } = await db.query<{ id: string; request_hash: string | null; expires_at: Date }>(
    `SELECT id, request_hash, expires_at FROM ${bookings} WHERE idempotency_key = $1`,
    [key],
  );
  const row = rows[0];
  return row && { id: row.id, requestHash: row.request_hash, expiresAt: row.expires_at };
}

/**
 * One indexed read: the exclusion constraint's GiST index (active rows, occupant and range) finds
 * the overlapping occupations, the primary key their bookings' status and deadline.
 */
async function isTaken(db: Db, occupation: Occupation, now: Date): Promise<boolean> {
  const { rows } = await db.query(
    `SELECT 1 FROM ${occupancy} o JOIN ${bookings} b ON b.id = o.booking_id
      WHERE o.active AND o.occupant = ANY($1)
        AND tstzrange(o.occupied_from, o.occupied_until) && tstzrange($2, $3)
        AND (b.status = 'confirmed' OR (b.status = 'held' AND b.expires_at > $4))
      LIMIT 1`,
    [occupation.occupants.map(occupantKey), occupation.occupiedFrom, occupation.occupiedUntil, now],
  );
  return rows.length > 0;
}

/** Advisory lock namespaces, so that keys of different kinds never share a lock. */
export const lockClass = { holdLimits: 1, occupation: 2, waitlistLimits: 3 } as const;

/**
 * Takes transaction-scoped advisory locks on keys of one class in one statement and one global
 * order (by hash), so that two transactions locking overlapping sets never wait for each other in
 * a circle. Released at commit or rollback.
 */
export async function lockKeys(db: Db, lock: number, keys: readonly string[]): Promise<void> {
  await db.query(
    `SELECT count(pg_advisory_xact_lock($1, h))
       FROM (SELECT DISTINCT hashtext(k) AS h FROM unnest($2::text[]) AS k ORDER BY h) AS ordered`,
    [lock, keys],
  );
}

const DAY_MS = 86400_000;

/**
 * A lock per occupant and UTC day the occupation touches. Two transactions inserting overlapping
 * occupations at the same instant could otherwise each find the other's row in the exclusion index
 * and wait for each other until PostgreSQL aborts one as a deadlock (a second lost). Ordered, the
 * second simply waits and then sees the winner. The exclusion constraint stays the guarantee; the
 * locks only order the work.
 */
async function lockOccupation(db: Db, occupation: Occupation): Promise<void> {
  const { occupiedFrom: from, occupiedUntil: until } = occupation;
  const keys: string[] = [];
  for (const occupant of occupation.occupants) {
    for (let day = Math.floor(from.getTime() / DAY_MS); day <= Math.floor((until.getTime() - 1) / DAY_MS); day++) {
      keys.push(`${occupantKey(occupant)}|${day}`);
    }
  }
  await lockKeys(db, lockClass.occupation, keys);
}

async function countOpenHolds(
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

async function insertHold(db: Db, hold: NewHold, now: Date): Promise<'inserted' | 'duplicate'> {
  const { slot } = hold;
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
      hold.id,
      slot.appointmentTypeId,
      JSON.stringify(slot.appointmentTypeName),
      slot.practitionerId,
      slot.practitionerName,
      slot.timeZone,
      hold.visitKind ?? null,
      slot.start,
      slot.end,
      slot.occupiedFrom,
      slot.occupiedUntil,
      JSON.stringify(slot.occupants),
      hold.expiresAt,
      hold.changeableUntil,
      hold.language,
      hold.channel,
      JSON.stringify(hold.patient),
      hold.contactKey,
      hold.clientKey ?? null,
      hold.consentAcceptedAt,
      hold.privacyPolicyVersion,
      hold.idempotencyKey ?? null,
      hold.requestHash,
      now,
    ],
  );
  if (inserted.rowCount === 0) return 'duplicate';
  await insertOccupancy(db, hold.id, slot);
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
    if ((error as { code?: string }).code === '23P01') throw slotTaken();
    throw error;
  }
}

async function moveBooking(db: Db, id: string, slot: Slot, changeableUntilAt: Date, now: Date): Promise<void> {
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
