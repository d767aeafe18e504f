import type pg from 'pg';

/** Reads what the built-in practice system holds, as staff would see it. */
export function practiceRecords(pool: pg.Pool) {
  return {
    async contactsNamed(lastName: string) {
      const result = await pool.query(
        `SELECT id, kind, first_name, last_name, to_char(birth_date, 'YYYY-MM-DD') AS birth_date, street, phone, email
           FROM pixelmedics_sync.pms_contacts WHERE last_name = $1 ORDER BY created_at`,
        [lastName],
      );
      return result.rows as {
        id: string;
        kind: string;
        street: string | null;
        phone: string | null;
        email: string | null;
      }[];
    },
    async notesOf(contactId: string): Promise<string[]> {
      const result = await pool.query(
        'SELECT text FROM pixelmedics_sync.pms_contact_notes WHERE contact_id = $1 ORDER BY id',
        [contactId],
      );
      return result.rows.map((r: { text: string }) => r.text);
    },
    async groupsOf(contactId: string): Promise<string[]> {
      const result = await pool.query(
        'SELECT group_name FROM pixelmedics_sync.pms_contact_groups WHERE contact_id = $1 ORDER BY group_name',
        [contactId],
      );
      return result.rows.map((r: { group_name: string }) => r.group_name);
    },
    async entriesOf(bookingId: string) {
      const result = await pool.query(
        `SELECT id, status, label, colour, starts_at, ends_at, practitioner_id, resource_ids, contact_id
           FROM pixelmedics_sync.pms_calendar_entries WHERE booking_id = $1`,
        [bookingId],
      );
      return result.rows as {
        id: string;
        status: string;
        label: string;
        colour: string;
        starts_at: Date;
        ends_at: Date;
        practitioner_id: string;
        resource_ids: string[];
        contact_id: string | null;
      }[];
    },
    async addPatient(patient: {
      firstName: string;
      lastName: string;
      birthDate: string;
      street?: string;
      phone?: string;
    }) {
      const result = await pool.query(
        `INSERT INTO pixelmedics_sync.pms_contacts (kind, first_name, last_name, birth_date, street, phone)
         VALUES ('patient', $1, $2, $3, $4, $5) RETURNING id`,
        [patient.firstName, patient.lastName, patient.birthDate, patient.street ?? null, patient.phone ?? null],
      );
      return (result.rows[0] as { id: string }).id;
    },
  };
}
