import type { Language, LocalizedText, RequirablePatientField, VisitKind } from '@otk/contracts';
import { DateTime } from 'luxon';
import type pg from 'pg';
import type { AppointmentType, Catalogue, PracticeSettings } from '../domain/catalogue.js';
import { publicHolidays } from './holidays.js';

/** NOTIFY channel: the catalogue changed; every replica reloads it. */
export const catalogueChannel = 'availability_catalogue';

export async function notifyCatalogueChanged(client: pg.ClientBase): Promise<void> {
  await client.query(`SELECT pg_notify($1, '')`, [catalogueChannel]);
}

/** A row of availability.appointment_types. */
export interface AppointmentTypeRow {
  id: string;
  name: LocalizedText;
  duration_minutes: number;
  buffer_before_minutes: number;
  buffer_after_minutes: number;
  visit_kinds: VisitKind[];
  group_id: string | null;
  online_bookable: boolean;
  sort_order: number;
}

/** An appointment type's own fields (without who offers it) from its row. */
export function appointmentTypeOf(t: AppointmentTypeRow): Omit<AppointmentType, 'practitionerIds'> {
  return {
    id: t.id,
    name: t.name,
    durationMinutes: t.duration_minutes,
    bufferBeforeMinutes: t.buffer_before_minutes,
    bufferAfterMinutes: t.buffer_after_minutes,
    visitKinds: t.visit_kinds,
    groupId: t.group_id,
    onlineBookable: t.online_bookable,
  };
}

/** Reads the whole catalogue; undefined while the practice itself is not set up yet. */
export async function loadCatalogue(pool: pg.Pool): Promise<Catalogue | undefined> {
  const [practiceRows, practitioners, links, hours, groups, types, offers, resources, absences] = await Promise.all([
    pool.query(`SELECT * FROM availability.practice`),
    pool.query<{ id: string; display_name: string }>(
      `SELECT id, display_name FROM availability.practitioners WHERE active ORDER BY sort_order, id`,
    ),
    pool.query<{ practitioner_id: string; resource_id: string }>(
      `SELECT practitioner_id, resource_id FROM availability.practitioner_resources ORDER BY resource_id`,
    ),
    pool.query<{ practitioner_id: string; weekday: number; start: number; end: number }>(
      `SELECT practitioner_id, weekday,
              (extract(epoch FROM starts_at) / 60)::int AS start, (extract(epoch FROM ends_at) / 60)::int AS end
         FROM availability.working_hours ORDER BY practitioner_id, weekday, starts_at`,
    ),
    pool.query<{ id: string; name: LocalizedText }>(
      `SELECT id, name FROM availability.appointment_groups ORDER BY sort_order, id`,
    ),
    pool.query<AppointmentTypeRow>(`SELECT * FROM availability.appointment_types ORDER BY sort_order, id`),
    pool.query<{ appointment_type_id: string; practitioner_id: string }>(
      `SELECT appointment_type_id, practitioner_id FROM availability.appointment_type_practitioners ORDER BY practitioner_id`,
    ),
    pool.query<{ id: string; name: string; kind: 'room' | 'device' | 'calendar' }>(
      `SELECT id, name, kind FROM availability.resources ORDER BY id`,
    ),
    pool.query<{ id: string; practitioner_id: string | null; starts_at: string; ends_at: string }>(
      `SELECT id, practitioner_id, to_char(starts_at, 'YYYY-MM-DD"T"HH24:MI:SS') AS starts_at,
              to_char(ends_at, 'YYYY-MM-DD"T"HH24:MI:SS') AS ends_at
         FROM availability.absences ORDER BY starts_at`,
    ),
  ]);
  const row = practiceRows.rows[0] as Record<string, unknown> | undefined;
  if (!row) return undefined;
  const practice: PracticeSettings = {
    name: row.name as string,
    timeZone: row.time_zone as string,
    defaultLanguage: row.default_language as Language,
    languages: row.languages as Language[],
    holidayCountry: row.holiday_country as string,
    holidayRegion: (row.holiday_region as string | null) ?? null,
    granularityMinutes: row.slot_granularity_minutes as number,
    minimumNoticeMinutes: row.minimum_notice_minutes as number,
    bookingHorizonDays: row.booking_horizon_days as number,
    askVisitKind: row.ask_visit_kind as boolean,
    askAppointmentGroup: row.ask_appointment_group as boolean,
    requiredPatientFields: row.required_patient_fields as RequirablePatientField[],
    smsOffered: row.sms_offered as boolean,
    privacyPolicyUrl: (row.privacy_policy_url as string | null) ?? null,
    privacyPolicyVersion: (row.privacy_policy_version as string | null) ?? null,
    phone: (row.phone as string | null) ?? null,
    logoUrl: (row.logo_url as string | null) ?? null,
    brandColour: (row.brand_colour as string | null) ?? null,
  };
  const zone = practice.timeZone;
  const toInstant = (local: string) => DateTime.fromISO(local, { zone }).toMillis();
  const activeIds = new Set(practitioners.rows.map((p) => p.id));
  const holidays = publicHolidays(practice.holidayCountry, practice.holidayRegion);
  const closedOnHolidays = row.closed_on_holidays as boolean;

  return {
    practice,
    practitioners: practitioners.rows.map((p) => {
      const weeklyHours: Record<number, { start: number; end: number }[]> = {};
      for (const h of hours.rows.filter((h) => h.practitioner_id === p.id)) {
        (weeklyHours[h.weekday] ??= []).push({ start: h.start, end: h.end });
      }
      return {
        id: p.id,
        displayName: p.display_name,
        resourceIds: links.rows.filter((l) => l.practitioner_id === p.id).map((l) => l.resource_id),
        weeklyHours,
      };
    }),
    groups: groups.rows.map((g) => ({ id: g.id, name: g.name })),
    types: types.rows.map((t) => ({
      ...appointmentTypeOf(t),
      practitionerIds: offers.rows
        .filter((o) => o.appointment_type_id === t.id && activeIds.has(o.practitioner_id))
        .map((o) => o.practitioner_id),
    })),
    resources: resources.rows,
    absences: absences.rows
      .filter((a) => a.practitioner_id === null || activeIds.has(a.practitioner_id))
      .map((a) => ({
        id: a.id,
        practitionerId: a.practitioner_id,
        interval: { from: toInstant(a.starts_at), until: toInstant(a.ends_at) },
      })),
    isHoliday: (date) => closedOnHolidays && holidays(date),
  };
}
