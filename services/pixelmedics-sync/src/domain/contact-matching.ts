import type { Contact, ContactQuery } from './practice-system.port.js';

/**
 * Names compare without regard to case, accents and spacing (S1): "Müller-Lüdenscheidt " and
 * "muller-ludenscheidt" are one person. Birth dates must be equal.
 */
export function normalizeName(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/\p{Diacritic}/gu, '')
    .toLocaleLowerCase('de-CH')
    .replace(/\s+/g, ' ')
    .trim();
}

export function isSamePerson(contact: Contact, query: ContactQuery): boolean {
  return (
    contact.birthDate === query.birthDate &&
    normalizeName(contact.lastName) === normalizeName(query.lastName) &&
    normalizeName(contact.firstName) === normalizeName(query.firstName)
  );
}

export type MatchResult =
  { kind: 'none' } | { kind: 'one'; contact: Contact } | { kind: 'ambiguous'; candidates: Contact[] };

/** Decides S1 from the candidates the practice system returned (it may match more loosely). */
export function matchContact(candidates: Contact[], query: ContactQuery): MatchResult {
  const matches = candidates.filter((c) => isSamePerson(c, query));
  if (matches.length === 0) return { kind: 'none' };
  if (matches.length === 1) return { kind: 'one', contact: matches[0]! };
  return { kind: 'ambiguous', candidates: matches };
}
