import type { Language } from '@otk/contracts';
import de from './translations/de.json' with { type: 'json' };
import en from './translations/en.json' with { type: 'json' };
import fr from './translations/fr.json' with { type: 'json' };
import it from './translations/it.json' with { type: 'json' };

/** The German file defines the keys; the type checker holds every other language to them. */
export type Translation = typeof de;

export const translations: Record<Language, Translation> = { de, fr, it, en };

/**
 * Fills `{name}` placeholders. A placeholder without a value is a broken translation file, so it
 * throws rather than send a message with a hole in it.
 */
export function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_match, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`translation placeholder {${name}} has no value`);
    return value;
  });
}

/** The placeholders a template uses, for checking that every language asks for the same ones. */
export function placeholdersOf(template: string): string[] {
  return [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string).sort();
}

export const languageNames: Record<Language, string> = {
  de: 'Deutsch',
  fr: 'Français',
  it: 'Italiano',
  en: 'English',
};
