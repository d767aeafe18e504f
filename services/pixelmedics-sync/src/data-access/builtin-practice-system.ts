import { withTransaction } from '@otk/db';
import type pg from 'pg';
import type {
  BusyTime,
  CalendarEntryData,
  Contact,
  ContactData,
  ContactQuery,
  PracticeCatalogue,
  PracticeSystem,
} from '../domain/practice-system.port.js';
import { PracticeSystemRejection } from '../domain/practice-system.port.js';
import { migrations } from './migrations.js';

const s = migrations.schema;

interface ContactRow {
  id: string;
  kind: 'patient' | 'prospect';
  first_name: string;
  last_name: string;
  birth_date: string | null;
  gender: string | null;
  street: string | null;
  postcode: string | null;
  town: string | null;
  country: string | null;
  phone: string | null;
  email: string | null;
}

const contactColumns = `id, kind, first_name, last_name, to_char(birth_date, 'YYYY-MM-DD') AS birth_date,
  gender, street, postcode, town, country, phone, email`;

function toContact(row: ContactRow): Contact {
  const optional = (value: string | null) => value ?? undefined;
  return {
    id: row.id,
    kind: row.kind,
    firstName: row.first_name,
    lastName: row.last_name,
    birthDate: optional(row.birth_date),
    gender: optional(row.gender),
    street: optional(row.street),
    postcode: optional(row.postcode),
    town: optional(row.town),
    country: optional(row.country),
    phone: optional(row.phone),
    email: optional(row.email),
  };
}

/** The practice system kept in this service's own schema (tables `pms_*`). */
export class BuiltinPracticeSystem implements PracticeSystem {
  constructor(private readonly pool: pg.Pool) {}

  async readCatalogue(): Promise<PracticeCatalogue> {
    const [practitioners, resources, types] = await Promise.all([
      this.pool.query<{ id: string; name: string; resource_ids: string[] }>(
        `SELECT p.id, p.name, coalesce(array_agg(pr.resource_id ORDER BY pr.resource_id)
                  FILTER (WHERE pr.resource_id IS NOT NULL), '{}') AS resource_ids
           FROM ${s}.pms_practitioners p LEFT JOIN ${s}.pms_practitioner_resources pr ON pr.practitioner_id = p.id
          GROUP BY p.id, p.name ORDER BY p.id`,
      ),
      this.pool.query<{ id: string; name: string; kind: 'calendar' | 'room' | 'device' }>(
        `SELECT id, name, kind FROM ${s}.pms_resources ORDER BY id`,
      ),
      this.pool.query<{ id: string; name: string; duration_minutes: number }>(
        `SELECT id, name, duration_minutes FROM ${s}.pms_appointment_types ORDER BY id`,
      ),
    ]);
    return {
      practitioners: practitioners.rows.map((r) => ({ id: r.id, name: r.name, resourceIds: r.resource_ids })),
      resources: resources.rows,
      appointmentTypes: types.rows.map((r) => ({ id: r.id, name: r.name, durationMinutes: r.duration_minutes })),
    };
  }

  async readBusyTimes(from: Date, to: Date): Promise<BusyTime[]> {
    const result = await this.pool.query<{
      id: string;
      starts_at: Date;
      ends_at: Date;
      practitioner_id: string | null;
      resource_ids: string[];
    }>(
      `SELECT id, starts_at, ends_at, practitioner_id, resource_ids FROM ${s}.pms_calendar_entries
        WHERE source = 'staff' AND status <> 'cancelled' AND starts_at < $2 AND ends_at > $1
        ORDER BY starts_at, id`,
      [from, to],
    );
    return result.rows.map((r) => ({
      entryId: r.id,
      start: r.starts_at.toISOString(),
      end: r.ends_at.toISOString(),
      practitionerId: r.practitioner_id,
      resourceIds: r.resource_ids,
    }));
  }

  async findContacts(query: ContactQuery): Promise<Contact[]> {
    // Candidates by birth date; the caller compares names without case, accents and spacing.
    const result = await this.pool.query<ContactRow>(
      `SELECT ${contactColumns} FROM ${s}.pms_contacts WHERE birth_date = $1 ORDER BY created_at, id`,
      [query.birthDate],
    );
    return result.rows.map(toContact);
  }

  createProspect(data: ContactData, idempotencyKey: string): Promise<Contact> {
    return this.once(idempotencyKey, async (client) => {
      const result = await client.query<ContactRow>(
        `INSERT INTO ${s}.pms_contacts (kind, first_name, last_name, birth_date, gender, street, postcode, town, country, phone, email)
         VALUES ('prospect', $1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING ${contactColumns}`,
        [
          data.firstName,
          data.lastName,
          data.birthDate ?? null,
          data.gender ?? null,
          data.street ?? null,
          data.postcode ?? null,
          data.town ?? null,
          data.country ?? null,
          data.phone ?? null,
          data.email ?? null,
        ],
      );
      return toContact(result.rows[0]!);
    });
  }

  async appendNote(contactId: string, text: string, idempotencyKey: string): Promise<void> {
    await this.once(idempotencyKey, async (client) => {
      await this.assertContact(client, contactId);
      await client.query(`INSERT INTO ${s}.pms_contact_notes (contact_id, text) VALUES ($1, $2)`, [contactId, text]);
      return {};
    });
  }

  async addToPatientGroup(contactId: string, group: string, idempotencyKey: string): Promise<void> {
    await this.once(idempotencyKey, async (client) => {
      await this.assertContact(client, contactId);
      await client.query(
        `INSERT INTO ${s}.pms_contact_groups (contact_id, group_name) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
        [contactId, group],
      );
      return {};
    });
  }

  createCalendarEntry(entry: CalendarEntryData, idempotencyKey: string): Promise<{ entryId: string }> {
    return this.once(idempotencyKey, async (client) => {
      const result = await client.query<{ id: string }>(
        `INSERT INTO ${s}.pms_calendar_entries (source, status, label, colour, starts_at, ends_at, practitioner_id,
                                               appointment_type_id, resource_ids, contact_id, booking_id)
         VALUES ('online', $1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
        entryValues(entry),
      );
      return { entryId: result.rows[0]!.id };
    });
  }

  async updateCalendarEntry(entryId: string, entry: CalendarEntryData, idempotencyKey: string): Promise<void> {
    await this.once(idempotencyKey, async (client) => {
      const result = await client.query(
        `UPDATE ${s}.pms_calendar_entries SET status = $1, label = $2, colour = $3, starts_at = $4, ends_at = $5,
                practitioner_id = $6, appointment_type_id = $7, resource_ids = $8, contact_id = $9, booking_id = $10,
                updated_at = now()
          WHERE id = $11`,
        [...entryValues(entry), entryId],
      );
      if (result.rowCount === 0) throw new PracticeSystemRejection(`calendar entry ${entryId} does not exist`);
      return {};
    });
  }

  async deleteCalendarEntry(entryId: string, idempotencyKey: string): Promise<void> {
    await this.once(idempotencyKey, async (client) => {
      await client.query(`DELETE FROM ${s}.pms_calendar_entries WHERE id = $1`, [entryId]);
      return {};
    });
  }

  private async assertContact(client: pg.PoolClient, contactId: string): Promise<void> {
    const found = await client.query(`SELECT 1 FROM ${s}.pms_contacts WHERE id = $1`, [contactId]);
    if (found.rowCount === 0) throw new PracticeSystemRejection(`contact ${contactId} does not exist`);
  }

  /** Runs a write once per idempotency key; a repeated key returns the first result unchanged. */
  private once<T extends object>(key: string, write: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    return withTransaction(this.pool, async (client) => {
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [key]);
      const earlier = await client.query<{ result: T }>(`SELECT result FROM ${s}.pms_idempotency WHERE key = $1`, [
        key,
      ]);
      if (earlier.rows[0]) return earlier.rows[0].result;
      const result = await write(client);
      await client.query(`INSERT INTO ${s}.pms_idempotency (key, result) VALUES ($1, $2)`, [key, result]);
      return result;
    });
  }
}

function entryValues(entry: CalendarEntryData): unknown[] {
  return [
    entry.status,
    entry.label,
    entry.colour,
    entry.start,
    entry.end,
    entry.practitionerId,
    entry.appointmentTypeId,
    entry.resourceIds,
    entry.contactId,
    entry.bookingId,
  ];
}
