import { withTransaction } from '@otk/db';
import { DateTime } from 'luxon';
import type pg from 'pg';
import { migrations } from '../src/data-access/migrations.js';

const s = migrations.schema;

/**
 * The built-in practice system of the demo practice: the same practitioners, rooms and types as
 * the demo catalogue, a few existing patients, and staff-made entries in the coming days that
 * block those times for online booking. Idempotent.
 */
export async function seedDemoPracticeSystem(pool: pg.Pool, now = new Date()): Promise<void> {
  await withTransaction(pool, async (client) => {
    for (const [id, name] of [
      ['dr-muster', 'Dr. med. dent. Eva Muster'],
      ['dr-keller', 'Dr. med. dent. Marco Keller'],
      ['dh-rossi', 'Laura Rossi, Dentalhygienikerin'],
    ]) {
      await client.query(
        `INSERT INTO ${s}.pms_practitioners (id, name) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET name = $2`,
        [id, name],
      );
    }
    for (const [id, name, kind] of [
      ['room-1', 'Behandlungszimmer 1', 'room'],
      ['room-2', 'Behandlungszimmer 2', 'room'],
      ['xray-opg', 'Röntgen (OPG)', 'device'],
    ]) {
      await client.query(
        `INSERT INTO ${s}.pms_resources (id, name, kind) VALUES ($1, $2, $3)
         ON CONFLICT (id) DO UPDATE SET name = $2, kind = $3`,
        [id, name, kind],
      );
    }
    await client.query(`DELETE FROM ${s}.pms_practitioner_resources`);
    for (const [practitioner, resource] of [
      ['dr-muster', 'room-1'],
      ['dr-keller', 'room-2'],
      ['dr-keller', 'xray-opg'],
      ['dh-rossi', 'room-2'],
    ]) {
      await client.query(`INSERT INTO ${s}.pms_practitioner_resources (practitioner_id, resource_id) VALUES ($1, $2)`, [
        practitioner,
        resource,
      ]);
    }
    for (const [id, name, minutes] of [
      ['checkup', 'Kontrolle', 30],
      ['first-consultation', 'Erstberatung', 45],
      ['hygiene', 'Dentalhygiene', 60],
      ['filling', 'Füllung', 50],
    ] as const) {
      await client.query(
        `INSERT INTO ${s}.pms_appointment_types (id, name, duration_minutes) VALUES ($1, $2, $3)
         ON CONFLICT (id) DO UPDATE SET name = $2, duration_minutes = $3`,
        [id, name, minutes],
      );
    }
    // Existing patients, so that a demo booking can match a contact (S1) or create a prospect (S3).
    for (const [id, first, last, birthDate] of [
      ['demo-patient-1', 'Anna', 'Beispiel', '1985-06-15'],
      ['demo-patient-2', 'Luca', 'Bernasconi', '1972-11-03'],
    ]) {
      await client.query(
        `INSERT INTO ${s}.pms_contacts (id, kind, first_name, last_name, birth_date, town, country)
         VALUES ($1, 'patient', $2, $3, $4, 'Zürich', 'CH') ON CONFLICT (id) DO NOTHING`,
        [id, first, last, birthDate],
      );
    }
    // Staff-made entries on the next two working days, 10:00–11:00 local time: no online slot there.
    await client.query(`DELETE FROM ${s}.pms_calendar_entries WHERE source = 'staff' AND label LIKE 'Demo:%'`);
    let day = DateTime.fromJSDate(now, { zone: 'Europe/Zurich' }).startOf('day');
    for (let added = 0; added < 2;) {
      day = day.plus({ days: 1 });
      if (day.weekday > 5) continue;
      added += 1;
      const start = day.set({ hour: 10 });
      await client.query(
        `INSERT INTO ${s}.pms_calendar_entries (source, status, label, colour, starts_at, ends_at, practitioner_id, resource_ids)
         VALUES ('staff', 'confirmed', 'Demo: Wurzelbehandlung', '#6D4C41', $1, $2, 'dr-muster', '{room-1}')`,
        [start.toJSDate(), start.plus({ hours: 1 }).toJSDate()],
      );
    }
  });
}
