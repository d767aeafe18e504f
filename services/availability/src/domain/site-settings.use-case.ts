import { AppError, type CommandRequestParsed, type SiteSettings, siteSettingsSchema } from '@otk/contracts';

export interface SiteSettingsStore {
  /** undefined while the practice is not set up yet. */
  read(): Promise<SiteSettings | undefined>;
  /** Stores the settings, tells every replica, and publishes the profile (practice.profileChanged), together. */
  save(settings: SiteSettings): Promise<void>;
}

/** The booking site's rules and the practice profile, as the console edits them. */
export async function getSiteSettings(store: SiteSettingsStore): Promise<SiteSettings> {
  const settings = await store.read();
  if (!settings) throw new AppError('UNAVAILABLE', 'the practice is not set up yet');
  return settings;
}

/**
 * The console changes the booking site's rules or the practice profile. availability owns the
 * profile (ADR 24): the change and its practice.profileChanged event are stored together, and the
 * next answer of every replica uses it.
 */
export async function changeSiteSettings(
  store: SiteSettingsStore,
  request: CommandRequestParsed<'availability.updateSettings'>,
): Promise<SiteSettings> {
  const current = await getSiteSettings(store);
  const next: SiteSettings = {
    bookingHorizonDays: request.bookingHorizonDays ?? current.bookingHorizonDays,
    minimumNoticeMinutes: request.minimumNoticeMinutes ?? current.minimumNoticeMinutes,
    steps: { ...current.steps, ...request.steps },
    requiredPatientFields: request.requiredPatientFields ?? current.requiredPatientFields,
    profile: { ...current.profile, ...request.profile },
  };
  if (!next.profile.languages.includes(next.profile.defaultLanguage)) {
    throw new AppError('VALIDATION_FAILED', 'the default language must be one of the languages offered', {
      fields: [{ path: 'profile.defaultLanguage', message: 'not among profile.languages' }],
    });
  }
  const valid = siteSettingsSchema.parse(next);
  await store.save(valid);
  return valid;
}
