import type { PracticeProfile } from '@otk/contracts';
import type pg from 'pg';
import { migrations } from './migrations.js';

/**
 * Takes over the practice profile availability published, unless a newer one is already here.
 * Returns whether it applied. The phone is text here (empty when the practice has none).
 */
export async function applyPracticeProfile(
  db: Pick<pg.ClientBase, 'query'>,
  profile: PracticeProfile,
  changedAt: Date,
): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE ${migrations.schema}.practice_settings
        SET practice_name = $1, address = $2, phone = $3, languages = $4, default_language = $5,
            sms_enabled = $6, profile_changed_at = $7, updated_at = now()
      WHERE id AND (profile_changed_at IS NULL OR profile_changed_at < $7)`,
    [
      profile.name,
      profile.address,
      profile.phone ?? '',
      profile.languages,
      profile.defaultLanguage,
      profile.smsEnabled,
      changedAt,
    ],
  );
  return rowCount === 1;
}
