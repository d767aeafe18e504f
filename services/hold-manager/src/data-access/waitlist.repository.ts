import type { Channel, Language, LocalizedText, Patient, VisitKind, WaitlistEntryStatus } from '@otk/contracts';
import { appendToOutbox } from '@otk/db';
import type pg from 'pg';
import { type Offer, type WaitlistEntry, toEntrySnapshot } from '../domain/waitlist/waitlist.js';
import type {
  StoredWaitlistToken,
  WaitlistReads,
  WaitlistRepository,
  WaitlistTokenPurpose,
  WaitlistTransaction,
} from '../domain/waitlist/waitlist-ports.js';
import { lockClass, lockKeys } from './booking.repository.js';
import { migrations } from './migrations.js';
import { inTransaction } from './transaction.js';

const schema = migrations.schema;
const entries = `${schema}.waitlist_entries`;
const offers = `${schema}.waitlist_offers`;
const tokens = `${schema}.waitlist_tokens`;

type Db = Pick<pg.ClientBase, 'query'>;

/** An entry's columns, its days as text: a date column would become a JavaScript Date at local midnight. */
const entryColumns = 'e.*, e.first_day::text AS first_day, e.last_day::text AS last_day';

/** hold-manager's waiting list in PostgreSQL (ADR 26). */
export function waitlistRepository(pool: pg.Pool): WaitlistRepository {
  return {
    ...reads(pool),
    inTransaction: (work) => inTransaction(pool, (client) => work(transaction(client))),
  };
}

function reads(db: Db): WaitlistReads {
  return {
    findToken: async (hash) => {
      const { rows } = await db.query<{
        entry_id: string;
        offer_id: string | null;
        purpose: WaitlistTokenPurpose;
        expires_at: Date;
      }>(`SELECT entry_id, offer_id, purpose, expires_at FROM ${tokens} WHERE token_hash = $1`, [hash]);
      const row = rows[0];
      return (
        row &&
        ({
          entryId: row.entry_id,
          offerId: row.offer_id ?? undefined,
          purpose: row.purpose,
          expiresAt: row.expires_at,
        } satisfies StoredWaitlistToken)
      );
    },
    findEntry: (id) => selectEntry(db, 'WHERE id = $1', [id]),
    findOffer: async (id) => {
      const { rows } = await db.query<OfferRow>(`SELECT * FROM ${offers} WHERE id = $1`, [id]);
      return rows[0] && toOffer(rows[0]);
    },
    waiting: async (now, limit) =>
      (
        await db.query<EntryRow>(
          `SELECT ${entryColumns} FROM ${entries} e WHERE status = 'waiting' AND ends_at > $1
            ORDER BY joined_at, id LIMIT $2`,
          [now, limit],
        )
      ).rows.map(toEntry),
    waitingFor: async (practitionerId, now, limit) =>
      (
        await db.query<EntryRow>(
          `SELECT ${entryColumns} FROM ${entries} e
            WHERE status = 'waiting' AND ends_at > $2 AND (practitioner_id IS NULL OR practitioner_id = $1)
            ORDER BY joined_at, id LIMIT $3`,
          [practitionerId, now, limit],
        )
      ).rows.map(toEntry),
    listForStaff: async (query) => {
      const { rows } = await db.query<
        EntryRow & { offers: number; confirmed_at: Date | null; ended_at: Date | null; booking_id: string | null }
      >(
        `SELECT ${entryColumns}, (SELECT count(*)::int FROM ${offers} o WHERE o.entry_id = e.id) AS offers
           FROM ${entries} e WHERE e.status = ANY($1::text[])
          ORDER BY e.joined_at, e.id LIMIT $2`,
        [query.statuses, query.limit],
      );
      return {
        entries: rows.map((row) => {
          const entry = toEntry(row);
          return {
            ...toEntrySnapshot(entry),
            joinedAt: entry.joinedAt.toISOString(),
            confirmedAt: row.confirmed_at?.toISOString() ?? null,
            endedAt: row.ended_at?.toISOString() ?? null,
            bookingId: row.booking_id,
            offers: row.offers,
          };
        }),
      };
    },
  };
}

/** The statuses with which an entry has left the list. */
const ended = new Set<WaitlistEntryStatus>(['booked', 'left', 'removed', 'expired']);

function transaction(client: pg.PoolClient): WaitlistTransaction {
  return {
    lockLimits: (keys) => lockKeys(client, lockClass.waitlistLimits, keys),
    countOpen: async (by, now) => {
      const { rows } = await client.query<{ contact: number; client: number }>(
        `SELECT count(*) FILTER (WHERE contact_key = $1)::int AS contact,
                count(*) FILTER (WHERE client_key = $2)::int AS client
           FROM ${entries}
          WHERE status IN ('pending', 'waiting') AND ends_at > $3
            AND (status = 'waiting' OR confirm_by > $3) AND (contact_key = $1 OR client_key = $2)`,
        [by.contactKey, by.clientKey ?? null, now],
      );
      return rows[0] ?? { contact: 0, client: 0 };
    },
    insertEntry: async (entry) => {
      await client.query(
        `INSERT INTO ${entries} (id, status, appointment_type_id, appointment_type_name, practitioner_id,
           practitioner_name, visit_kind, first_day, last_day, time_zone, ends_at, confirm_by, language, channel,
           patient, contact_key, client_key, consent_accepted_at, privacy_policy_version, joined_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $18)`,
        [
          entry.id,
          entry.status,
          entry.appointmentTypeId,
          JSON.stringify(entry.appointmentTypeName),
          entry.practitionerId ?? null,
          entry.practitionerName ?? null,
          entry.visitKind ?? null,
          entry.firstDay,
          entry.lastDay,
          entry.timeZone,
          entry.endsAt,
          entry.confirmBy,
          entry.language,
          entry.channel,
          JSON.stringify(entry.patient),
          entry.contactKey,
          entry.clientKey ?? null,
          entry.joinedAt,
          entry.privacyPolicyVersion,
        ],
      );
    },
    insertToken: async (token) => {
      await client.query(
        `INSERT INTO ${tokens} (token_hash, entry_id, offer_id, purpose, expires_at) VALUES ($1, $2, $3, $4, $5)`,
        [token.hash, token.entryId, token.offerId ?? null, token.purpose, token.expiresAt],
      );
    },
    lockEntry: (id) => selectEntry(client, 'WHERE id = $1 FOR UPDATE', [id]),
    setStatus: async (id, status, now) => {
      await client.query(
        `UPDATE ${entries} SET status = $2,
            confirmed_at = CASE WHEN $2 = 'waiting' THEN $3 ELSE confirmed_at END,
            ended_at = CASE WHEN $4 THEN $3 ELSE ended_at END
          WHERE id = $1`,
        [id, status, now, ended.has(status)],
      );
      if (ended.has(status)) {
        await client.query(`UPDATE ${offers} SET status = 'gone' WHERE entry_id = $1 AND status = 'open'`, [id]);
      }
    },
    insertOffer: async (offer, now) => {
      const inserted = await client.query(
        `INSERT INTO ${offers} (id, entry_id, appointment_type_id, appointment_type_name, practitioner_id,
           practitioner_name, time_zone, starts_at, ends_at, status, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'open', $10)
         ON CONFLICT (entry_id, practitioner_id, starts_at) DO NOTHING`,
        [
          offer.id,
          offer.entryId,
          offer.appointmentTypeId,
          JSON.stringify(offer.appointmentTypeName),
          offer.practitionerId,
          offer.practitionerName,
          offer.timeZone,
          offer.start,
          offer.end,
          now,
        ],
      );
      return inserted.rowCount === 0 ? 'exists' : 'inserted';
    },
    markOfferGone: async (offerId) => {
      await client.query(`UPDATE ${offers} SET status = 'gone' WHERE id = $1 AND status = 'open'`, [offerId]);
    },
    markBooked: async (entryId, offerId, bookingId, now) => {
      await client.query(`UPDATE ${offers} SET status = 'accepted', booking_id = $2 WHERE id = $1`, [
        offerId,
        bookingId,
      ]);
      await client.query(
        `UPDATE ${entries} SET status = 'booked', booking_id = $2, ended_at = $3
          WHERE id = $1 AND status IN ('pending', 'waiting')`,
        [entryId, bookingId, now],
      );
      await client.query(`UPDATE ${offers} SET status = 'gone' WHERE entry_id = $1 AND status = 'open'`, [entryId]);
    },
    expireEnded: async (now) => {
      const expired = await client.query<{ id: string }>(
        `UPDATE ${entries} SET status = 'expired', ended_at = $1
          WHERE (status = 'waiting' AND ends_at <= $1)
             OR (status = 'pending' AND (confirm_by <= $1 OR ends_at <= $1))
          RETURNING id`,
        [now],
      );
      const ids = expired.rows.map((row) => row.id);
      if (ids.length > 0) {
        await client.query(
          `UPDATE ${offers} SET status = 'gone' WHERE entry_id = ANY($1::uuid[]) AND status = 'open'`,
          [ids],
        );
      }
      return ids.length;
    },
    record: (event, entryId) => appendToOutbox(client, schema, event, { subjectId: entryId }),
  };
}

interface EntryRow {
  id: string;
  status: WaitlistEntryStatus;
  appointment_type_id: string;
  appointment_type_name: LocalizedText;
  practitioner_id: string | null;
  practitioner_name: string | null;
  visit_kind: VisitKind | null;
  first_day: string;
  last_day: string;
  time_zone: string;
  ends_at: Date;
  confirm_by: Date;
  language: Language;
  channel: Channel;
  patient: Patient;
  privacy_policy_version: string;
  joined_at: Date;
}

function toEntry(row: EntryRow): WaitlistEntry {
  return {
    id: row.id,
    status: row.status,
    appointmentTypeId: row.appointment_type_id,
    appointmentTypeName: row.appointment_type_name,
    practitionerId: row.practitioner_id ?? undefined,
    practitionerName: row.practitioner_name ?? undefined,
    visitKind: row.visit_kind ?? undefined,
    firstDay: row.first_day,
    lastDay: row.last_day,
    timeZone: row.time_zone,
    endsAt: row.ends_at,
    confirmBy: row.confirm_by,
    language: row.language,
    channel: row.channel,
    patient: row.patient,
    privacyPolicyVersion: row.privacy_policy_version,
    joinedAt: row.joined_at,
  };
}

async function selectEntry(db: Db, where: string, params: unknown[]): Promise<WaitlistEntry | undefined> {
  const { rows } = await db.query<EntryRow>(`SELECT ${entryColumns} FROM ${entries} e ${where}`, params);
  return rows[0] && toEntry(rows[0]);
}

interface OfferRow {
  id: string;
  entry_id: string;
  status: Offer['status'];
  appointment_type_id: string;
  appointment_type_name: LocalizedText;
  practitioner_id: string;
  practitioner_name: string;
  time_zone: string;
  starts_at: Date;
  ends_at: Date;
  booking_id: string | null;
}

function toOffer(row: OfferRow): Offer {
  return {
    id: row.id,
    entryId: row.entry_id,
    status: row.status,
    appointmentTypeId: row.appointment_type_id,
    appointmentTypeName: row.appointment_type_name,
    practitionerId: row.practitioner_id,
    practitionerName: row.practitioner_name,
    timeZone: row.time_zone,
    start: row.starts_at,
    end: row.ends_at,
    bookingId: row.booking_id ?? undefined,
  };
}
