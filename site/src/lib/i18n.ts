import type en from '../i18n/en.json';

export type Language = 'de' | 'fr' | 'it' | 'en';
export const allLanguages: readonly Language[] = ['de', 'fr', 'it', 'en'];
export type MessageKey = keyof typeof en;
export type Messages = Record<MessageKey, string>;

/** Each language is its own chunk: a patient downloads only the texts they read. */
const loaders: Record<Language, () => Promise<{ default: Messages }>> = {
  de: () => import('../i18n/de.json'),
  fr: () => import('../i18n/fr.json'),
  it: () => import('../i18n/it.json'),
  en: () => import('../i18n/en.json'),
};

export async function loadMessages(language: Language): Promise<Messages> {
  return (await loaders[language]()).default;
}

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (allLanguages as readonly string[]).includes(value);
}

/**
 * The language to show: an explicit choice (link or switch) if the practice offers it, else the
 * first browser language the practice offers, else the practice's default.
 */
export function pickLanguage(
  offered: readonly Language[],
  practiceDefault: Language,
  chosen: string | null | undefined,
  browserLanguages: readonly string[],
): Language {
  if (isLanguage(chosen) && offered.includes(chosen)) return chosen;
  for (const tag of browserLanguages) {
    const base = tag.toLowerCase().split('-')[0];
    if (isLanguage(base) && offered.includes(base)) return base;
  }
  return offered.includes(practiceDefault) ? practiceDefault : (offered[0] ?? 'de');
}

export type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;

/** Looks a key up and fills `{name}` placeholders; an unknown placeholder stays visible. */
export function translator(messages: Messages): Translate {
  return (key, vars) =>
    messages[key].replace(/\{(\w+)\}/g, (whole, name: string) => (vars && name in vars ? String(vars[name]) : whole));
}

/** A text of the catalogue in the patient's language, German (always present) as fallback. */
export function localized(text: { de: string; fr?: string; it?: string; en?: string }, language: Language): string {
  return text[language] ?? text.de;
}
