import { type Language, allLanguages, isLanguage } from './i18n.js';

/**
 * The booking home page exists once per language at its own path (`/de/`, `/fr/`, `/it/`, `/en/`),
 * each written in that language in the static HTML, and once at `/`, which picks the language as
 * every other page does (address, stored choice, browser, practice default) and is the
 * `x-default` of search engines (ADR 0055).
 */
export function homePath(language: Language | null): string {
  return language ? `/${language}/` : '/';
}

/** The language of a home page's path (`/fr/` or `/fr`), null for `/` and every other path. */
export function languageOfHomePath(pathname: string): Language | null {
  const segment = /^\/([a-z]{2})\/?$/.exec(pathname)?.[1];
  return isLanguage(segment) ? segment : null;
}

export interface Alternate {
  hreflang: Language | 'x-default';
  path: string;
}

/** The `hreflang` alternates of every home page: one per language, and `/` as `x-default`. */
export function homeAlternates(languages: readonly Language[] = allLanguages): Alternate[] {
  return [
    ...languages.map((language) => ({ hreflang: language, path: homePath(language) })),
    { hreflang: 'x-default', path: homePath(null) },
  ];
}
