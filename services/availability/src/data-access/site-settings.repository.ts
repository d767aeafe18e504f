import { type Language, type RequirablePatientField, type SiteSettings, createEvent } from '@otk/contracts';
import { appendToOutbox, withTransaction } from '@otk/db';
import type pg from 'pg';
import type { SiteSettingsStore } from '../domain/site-settings.use-case.js';
import { notifyCatalogueChanged } from './catalogue.repository.js';
import { migrations } from './migrations.js';

const schema = migrations.schema;

interface PracticeRow {
  name: string;
  address: string;
  phone: string | null;
  logo_url: string | null;
  brand_colour: string | null;
  languages: Language[];
  default_language: Language;
  sms_offered: boolean;
  booking_horizon_days: number;
  minimum_notice_minutes: number;
  ask_visit_kind: boolean;
  ask_appointment_group: boolean;
  required_patient_fields: RequirablePatientField[];
}

async function readSiteSettings(db: Pick<pg.ClientBase, 'query'>): Promise<SiteSettings | undefined> {
  const { rows } = await db.query<PracticeRow>(`SELECT * FROM ${schema}.practice`);
  const row = rows[0];
  if (!row) return undefined;
  return {
    bookingHorizonDays: row.booking_horizon_days,
    minimumNoticeMinutes: row.minimum_notice_minutes,
    steps: { visitKind: row.ask_visit_kind, appointmentGroup: row.ask_appointment_group },
    requiredPatientFields: row.required_patient_fields,
    profile: {
      name: row.name,
      address: row.address,
      phone: row.phone,
      logoUrl: row.logo_url,
      colour: row.brand_colour,
      languages: row.languages,
      defaultLanguage: row.default_language,
      smsEnabled: row.sms_offered,
    },
  };
}

/**
 * The practice row as the console edits it. Saving writes the row, its practice.profileChanged
 * event (outbox) and the change notification every replica reloads on, in one transaction.
 */
export function siteSettingsStore(pool: pg.Pool): SiteSettingsStore {
  return {
    read: () => readSiteSettings(pool),
    save: (settings) =>
      withTransaction(pool, async (client) => {
        const { rows } = await client.query<{ updated_at: Date }>(
          `UPDATE ${schema}.practice
              SET booking_horizon_days = $1, minimum_notice_minutes = $2, ask_visit_kind = $3,
                  ask_appointment_group = $4, name = $5, address = $6, phone = $7, logo_url = $8,
                  brand_colour = $9, languages = $10, default_language = $11, sms_offered = $12,
                  required_patient_fields = $13, updated_at = clock_timestamp()
            RETURNING updated_at`,
          [
            settings.bookingHorizonDays,
            settings.minimumNoticeMinutes,
            settings.steps.visitKind,
            settings.steps.appointmentGroup,
            settings.profile.name,
            settings.profile.address,
            settings.profile.phone,
            settings.profile.logoUrl,
            settings.profile.colour,
            settings.profile.languages,
            settings.profile.defaultLanguage,
            settings.profile.smsEnabled,
            settings.requiredPatientFields,
          ],
        );
        const changedAt = rows[0]!.updated_at;
        await appendToOutbox(
          client,
          schema,
          createEvent(
            'practice.profileChanged',
            { ...settings.profile, changedAt: changedAt.toISOString() },
            changedAt,
          ),
        );
        await notifyCatalogueChanged(client);
      }),
  };
}
