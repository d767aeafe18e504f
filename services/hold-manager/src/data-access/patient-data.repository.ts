import type { Patient } from '@otk/contracts';
import type pg from 'pg';
import type {
  BookingState,
  PatientDataStore,
  PatientErasureTransaction,
  PatientMatch,
  PatientOfBooking,
} from '../domain/patient-data.use-case.js';
import type { BookingRow } from './booking.repository.js';
import { migrations } from './migrations.js';
import { type Times, staffViewWithHistory } from './staff-bookings.repository.js';
import { inTransaction } from './transaction.js';

const schema = migrations.schema;
const bookings = `${schema}.bookings`;
type Db = Pick<pg.ClientBase, 'query'>;

/**
 * The patient's bookings, matched as PatientMatch says: names compared without regard to case.
 * A practice keeps bookings for 90 days (ADR 71), so a scan of the table is small.
 */
function matching(match: PatientMatch): { where: string; params: string[] } {
  const names = `lower(patient->>'firstName') = lower($1) AND lower(patient->>'lastName') = lower($2)`;
  return match.by === 'name-and-birth-date'
    ? { where: `${names} AND patient->>'birthDate' = $3`, params: [match.firstName, match.lastName, match.birthDate] }
    : { where: `${names} AND contact_key = $3`, params: [match.firstName, match.lastName, match.contactKey] };
}

async function patientOf(db: Db, bookingId: string, lock: boolean): Promise<PatientOfBooking | undefined> {
  const { rows } = await db.query<{ patient: Patient; contact_key: string }>(
    `SELECT patient, contact_key FROM ${bookings} WHERE id = $1${lock ? ' FOR UPDATE' : ''}`,
    [bookingId],
  );
  return rows[0] ? { patient: rows[0].patient, contactKey: rows[0].contact_key } : undefined;
}

/** hold-manager's part of a patient's export and erasure, in PostgreSQL. */
export function patientDataStore(pool: pg.Pool): PatientDataStore {
  return {
    findPatient: (bookingId) => patientOf(pool, bookingId, false),
    exportBookings: async (match) => {
      const { where, params } = matching(match);
      const { rows } = await pool.query<
        BookingRow & Times & { consent_accepted_at: Date; privacy_policy_version: string }
      >(`SELECT * FROM ${bookings} WHERE ${where} ORDER BY starts_at, id`, params);
      return rows.map((row) => {
        const { booking, history } = staffViewWithHistory(row);
        return {
          ...booking,
          history,
          consent: {
            acceptedAt: row.consent_accepted_at.toISOString(),
            privacyPolicyVersion: row.privacy_policy_version,
          },
        };
      });
    },
    inTransaction: (work) => inTransaction(pool, (client) => work(erasureTransaction(client))),
  };
}

function erasureTransaction(client: pg.PoolClient): PatientErasureTransaction {
  return {
    lockPatient: (bookingId) => patientOf(client, bookingId, true),
    lockBookingsOf: async (match) => {
      const { where, params } = matching(match);
      const { rows } = await client.query<{ id: string; status: BookingState['status']; ends_at: Date }>(
        `SELECT id, status, ends_at FROM ${bookings} WHERE ${where} ORDER BY id FOR UPDATE`,
        params,
      );
      return rows.map((row) => ({ id: row.id, status: row.status, end: row.ends_at }));
    },
    earlierErasure: async (bookingId) => {
      const { rows } = await client.query<{ booking_id: string }>(
        `SELECT booking_id FROM ${schema}.erased_bookings
          WHERE erasure_id = (SELECT erasure_id FROM ${schema}.erased_bookings WHERE booking_id = $1)
          ORDER BY booking_id`,
        [bookingId],
      );
      return rows.length > 0 ? rows.map((row) => row.booking_id) : undefined;
    },
    withUnpublishedEvents: async (bookingIds) => {
      const { rows } = await client.query<{ subject_id: string }>(
        `SELECT DISTINCT subject_id FROM ${schema}.outbox WHERE subject_id = ANY($1) AND published_at IS NULL`,
        [bookingIds],
      );
      return rows.map((row) => row.subject_id);
    },
    erase: async (bookingIds, erasureId, now) => {
      const tokens = await client.query(`SELECT 1 FROM ${schema}.booking_tokens WHERE booking_id = ANY($1)`, [
        bookingIds,
      ]);
      // Tokens and occupancy go with the booking (ON DELETE CASCADE).
      const deleted = await client.query(`DELETE FROM ${bookings} WHERE id = ANY($1)`, [bookingIds]);
      // Published events keep id, type, time and subject; their data (the patient) goes now.
      const events = await client.query(
        `UPDATE ${schema}.outbox SET envelope = envelope - 'data' WHERE subject_id = ANY($1) AND envelope ? 'data'`,
        [bookingIds],
      );
      await client.query(
        `INSERT INTO ${schema}.erased_bookings (booking_id, erasure_id, erased_at)
         SELECT unnest($1::uuid[]), $2, $3`,
        [bookingIds, erasureId, now],
      );
      return { bookings: deleted.rowCount ?? 0, linkTokens: tokens.rowCount ?? 0, eventData: events.rowCount ?? 0 };
    },
  };
}
