import { randomUUID } from 'node:crypto';
import type { CatalogueChange, LocalizedText, StaffCatalogue } from '@otk/contracts';
import { withTransaction } from '@otk/db';
import type pg from 'pg';
import type { CatalogueEditorStore } from '../domain/catalogue-editor.use-case.js';
import { type AppointmentTypeRow, appointmentTypeOf, notifyCatalogueChanged } from './catalogue.repository.js';
import { migrations } from './migrations.js';

const schema = migrations.schema;
type Db = Pick<pg.ClientBase, 'query'>;

/** A time of day as HH:MM; the end of the day stays 24:00. */
const hhmm = `CASE WHEN $col = '24:00'::time THEN '24:00' ELSE to_char($col, 'HH24:MI') END`;

async function readStaffCatalogue(db: Db): Promise<StaffCatalogue | undefined> {
  const [practice, practitioners, links, hours, groups, types, offers, resources, absences] = await Promise.all([
    db.query<{
      time_zone: string;
      holiday_country: string;
      holiday_region: string | null;
      closed_on_holidays: boolean;
      catalogue_managed_by_practice_system: boolean;
    }>(
      `SELECT time_zone, holiday_country, holiday_region, closed_on_holidays, catalogue_managed_by_practice_system
         FROM ${schema}.practice`,
    ),
    db.query<{ id: string; display_name: string; active: boolean; sort_order: number }>(
      `SELECT id, display_name, active, sort_order FROM ${schema}.practitioners ORDER BY sort_order, id`,
    ),
    db.query<{ practitioner_id: string; resource_id: string }>(
      `SELECT practitioner_id, resource_id FROM ${schema}.practitioner_resources ORDER BY resource_id`,
    ),
    db.query<{ practitioner_id: string; weekday: number; start: string; end: string }>(
      `SELECT practitioner_id, weekday, ${hhmm.replaceAll('$col', 'starts_at')} AS start,
              ${hhmm.replaceAll('$col', 'ends_at')} AS end
         FROM ${schema}.working_hours ORDER BY practitioner_id, weekday, starts_at`,
    ),
    db.query<{ id: string; name: LocalizedText; sort_order: number }>(
      `SELECT id, name, sort_order FROM ${schema}.appointment_groups ORDER BY sort_order, id`,
    ),
    db.query<AppointmentTypeRow>(`SELECT * FROM ${schema}.appointment_types ORDER BY sort_order, id`),
    db.query<{ appointment_type_id: string; practitioner_id: string }>(
      `SELECT appointment_type_id, practitioner_id FROM ${schema}.appointment_type_practitioners ORDER BY practitioner_id`,
    ),
    db.query<{ id: string; name: string; kind: 'room' | 'device' | 'calendar' }>(
      `SELECT id, name, kind FROM ${schema}.resources ORDER BY id`,
    ),
    db.query<{ id: string; practitioner_id: string | null; starts_at: string; ends_at: string; reason: string | null }>(
      `SELECT id, practitioner_id, to_char(starts_at, 'YYYY-MM-DD"T"HH24:MI') AS starts_at,
              to_char(ends_at, 'YYYY-MM-DD"T"HH24:MI') AS ends_at, reason
         FROM ${schema}.absences ORDER BY starts_at, id`,
    ),
  ]);
  const row = practice.rows[0];
  if (!row) return undefined;
  return {
    timeZone: row.time_zone,
    managedByPracticeSystem: row.catalogue_managed_by_practice_system,
    holidays: { country: row.holiday_country, region: row.holiday_region, closed: row.closed_on_holidays },
    practitioners: practitioners.rows.map((p) => ({
      id: p.id,
      displayName: p.display_name,
      active: p.active,
      sortOrder: p.sort_order,
      resourceIds: links.rows.filter((l) => l.practitioner_id === p.id).map((l) => l.resource_id),
      weeklyHours: hours.rows
        .filter((h) => h.practitioner_id === p.id)
        .map((h) => ({ weekday: h.weekday, start: h.start, end: h.end })),
    })),
    groups: groups.rows.map((g) => ({ id: g.id, name: g.name, sortOrder: g.sort_order })),
    appointmentTypes: types.rows.map((t) => ({
      ...appointmentTypeOf(t),
      sortOrder: t.sort_order,
      practitionerIds: offers.rows.filter((o) => o.appointment_type_id === t.id).map((o) => o.practitioner_id),
    })),
    resources: resources.rows,
    absences: absences.rows.map((a) => ({
      id: a.id,
      practitionerId: a.practitioner_id,
      startsAt: a.starts_at,
      endsAt: a.ends_at,
      reason: a.reason,
    })),
  };
}

async function applyChange(client: pg.ClientBase, change: CatalogueChange): Promise<void> {
  switch (change.kind) {
    case 'putPractitioner': {
      const p = change.practitioner;
      await client.query(
        `INSERT INTO ${schema}.practitioners (id, display_name, active, sort_order) VALUES ($1, $2, $3, $4)
         ON CONFLICT (id) DO UPDATE SET display_name = $2, active = $3, sort_order = $4`,
        [p.id, p.displayName, p.active, p.sortOrder],
      );
      await client.query(`DELETE FROM ${schema}.practitioner_resources WHERE practitioner_id = $1`, [p.id]);
      await client.query(
        `INSERT INTO ${schema}.practitioner_resources (practitioner_id, resource_id) SELECT $1, unnest($2::text[])`,
        [p.id, p.resourceIds],
      );
      await client.query(`DELETE FROM ${schema}.working_hours WHERE practitioner_id = $1`, [p.id]);
      await client.query(
        `INSERT INTO ${schema}.working_hours (practitioner_id, weekday, starts_at, ends_at)
         SELECT $1, h.weekday, h.starts_at::time, h.ends_at::time
           FROM unnest($2::smallint[], $3::text[], $4::text[]) AS h (weekday, starts_at, ends_at)`,
        [p.id, p.weeklyHours.map((h) => h.weekday), p.weeklyHours.map((h) => h.start), p.weeklyHours.map((h) => h.end)],
      );
      return;
    }
    case 'putGroup': {
      const g = change.group;
      await client.query(
        `INSERT INTO ${schema}.appointment_groups (id, name, sort_order) VALUES ($1, $2, $3)
         ON CONFLICT (id) DO UPDATE SET name = $2, sort_order = $3`,
        [g.id, g.name, g.sortOrder],
      );
      return;
    }
    case 'putAppointmentType': {
      const t = change.appointmentType;
      await client.query(
        `INSERT INTO ${schema}.appointment_types (id, name, duration_minutes, buffer_before_minutes,
                buffer_after_minutes, visit_kinds, group_id, online_bookable, sort_order)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (id) DO UPDATE SET name = $2, duration_minutes = $3, buffer_before_minutes = $4,
                buffer_after_minutes = $5, visit_kinds = $6, group_id = $7, online_bookable = $8, sort_order = $9`,
        [
          t.id,
          t.name,
          t.durationMinutes,
          t.bufferBeforeMinutes,
          t.bufferAfterMinutes,
          t.visitKinds,
          t.groupId,
          t.onlineBookable,
          t.sortOrder,
        ],
      );
      await client.query(`DELETE FROM ${schema}.appointment_type_practitioners WHERE appointment_type_id = $1`, [t.id]);
      await client.query(
        `INSERT INTO ${schema}.appointment_type_practitioners (appointment_type_id, practitioner_id)
         SELECT $1, unnest($2::text[])`,
        [t.id, t.practitionerIds],
      );
      return;
    }
    case 'putResource': {
      const r = change.resource;
      await client.query(
        `INSERT INTO ${schema}.resources (id, name, kind) VALUES ($1, $2, $3)
         ON CONFLICT (id) DO UPDATE SET name = $2, kind = $3`,
        [r.id, r.name, r.kind],
      );
      return;
    }
    case 'addAbsence': {
      const a = change.absence;
      await client.query(
        `INSERT INTO ${schema}.absences (id, practitioner_id, starts_at, ends_at, reason) VALUES ($1, $2, $3, $4, $5)`,
        [randomUUID(), a.practitionerId, a.startsAt, a.endsAt, a.reason],
      );
      return;
    }
    case 'removeAbsence':
      await client.query(`DELETE FROM ${schema}.absences WHERE id = $1`, [change.absenceId]);
      return;
    case 'setHolidaysClosed':
      await client.query(`UPDATE ${schema}.practice SET closed_on_holidays = $1`, [change.closed]);
      return;
  }
}

/**
 * The catalogue tables as the console edits them. Each change and the notification every replica
 * reloads its read model on are stored in one transaction.
 */
export function catalogueEditorStore(pool: pg.Pool): CatalogueEditorStore {
  return {
    read: () => readStaffCatalogue(pool),
    apply: (change) =>
      withTransaction(pool, async (client) => {
        await applyChange(client, change);
        await notifyCatalogueChanged(client);
      }),
    lastImportAt: async () =>
      (await pool.query<{ catalogue_imported_at: Date | null }>(`SELECT catalogue_imported_at FROM ${schema}.practice`))
        .rows[0]?.catalogue_imported_at ?? null,
    applyImport: (changes, importedAt) =>
      withTransaction(pool, async (client) => {
        for (const change of changes) await applyChange(client, change);
        await client.query(
          `UPDATE ${schema}.practice SET catalogue_managed_by_practice_system = true, catalogue_imported_at = $1`,
          [importedAt],
        );
        await notifyCatalogueChanged(client);
      }),
  };
}
