import { z } from '@otk/config';
import { languageSchema, reminderSchema } from '@otk/contracts';
import type pg from 'pg';
import type { PracticeSettingsSource } from '../domain/ports.js';
import type { PracticeSettings } from '../domain/practice-settings.js';
import { migrations } from './migrations.js';

const table = `${migrations.schema}.practice_settings`;

const rowSchema = z.object({
  practice_name: z.string(),
  address: z.string(),
  phone: z.string(),
  sender_name: z.string(),
  sender_address: z.string(),
  site_url: z.string(),
  default_language: languageSchema,
  languages: z.array(languageSchema),
  staff_copies: z.boolean(),
  staff_addresses: z.array(z.string()),
  sms_enabled: z.boolean(),
  sms_sender: z.string(),
  dkim_domain: z.string().nullable(),
  dkim_selector: z.string().nullable(),
  reminders: z.array(reminderSchema),
});

/** The settings in PostgreSQL, as the domain's `PracticeSettingsSource`. */
export function practiceSettingsRepository(pool: pg.Pool): PracticeSettingsSource {
  return { load: () => loadPracticeSettings(pool) };
}

/** Read for every event, so a change in the console applies to the next message. */
export async function loadPracticeSettings(db: pg.Pool | pg.PoolClient): Promise<PracticeSettings> {
  const result = await db.query(`SELECT * FROM ${table} WHERE id`);
  if (result.rowCount !== 1) throw new Error(`${table} has no row; run the notification migrations`);
  const row = rowSchema.parse(result.rows[0]);
  return {
    practiceName: row.practice_name,
    address: row.address,
    phone: row.phone,
    senderName: row.sender_name,
    senderAddress: row.sender_address,
    siteUrl: row.site_url,
    defaultLanguage: row.default_language,
    languages: row.languages,
    staffCopies: row.staff_copies,
    staffAddresses: row.staff_addresses,
    smsEnabled: row.sms_enabled,
    smsSender: row.sms_sender,
    dkim:
      row.dkim_domain !== null && row.dkim_selector !== null
        ? { domain: row.dkim_domain, selector: row.dkim_selector }
        : null,
    reminders: row.reminders,
  };
}

const columns: Record<Exclude<keyof PracticeSettings, 'dkim' | 'reminders'>, string> = {
  practiceName: 'practice_name',
  address: 'address',
  phone: 'phone',
  senderName: 'sender_name',
  senderAddress: 'sender_address',
  siteUrl: 'site_url',
  defaultLanguage: 'default_language',
  languages: 'languages',
  staffCopies: 'staff_copies',
  staffAddresses: 'staff_addresses',
  smsEnabled: 'sms_enabled',
  smsSender: 'sms_sender',
};

/** Changes some settings (the console, the demo seed, tests); the rest stay as they are. */
export async function updatePracticeSettings(
  db: pg.Pool | pg.PoolClient,
  changes: Partial<PracticeSettings>,
): Promise<void> {
  const assignments: string[] = [];
  const values: unknown[] = [];
  for (const [key, value] of Object.entries(changes) as [keyof PracticeSettings, unknown][]) {
    if (value === undefined) continue;
    if (key === 'dkim') {
      const dkim = value as PracticeSettings['dkim'];
      values.push(dkim?.domain ?? null, dkim?.selector ?? null);
      assignments.push(`dkim_domain = $${values.length - 1}`, `dkim_selector = $${values.length}`);
    } else if (key === 'reminders') {
      values.push(JSON.stringify(value));
      assignments.push(`reminders = $${values.length}::jsonb`);
    } else {
      values.push(value);
      assignments.push(`${columns[key]} = $${values.length}`);
    }
  }
  if (assignments.length === 0) return;
  await db.query(`UPDATE ${table} SET ${assignments.join(', ')}, updated_at = now() WHERE id`, values);
}
