import { z } from 'zod';

/**
 * Characters nobody types into a form field and that only do harm downstream: C0/C1 controls (NUL
 * breaks PostgreSQL's text type, CR/LF forge header lines in a message, ESC and BEL reach
 * terminals), the bidirectional embeddings, overrides and isolates that make a name read
 * differently from what it is (U+202E), and the byte-order mark.
 */
const forbiddenCharacters = /[\p{Cc}\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069\uFEFF]/u;
/** With the `u` flag a surrogate pair is one code point; only a lone surrogate is of category Cs. */
const loneSurrogate = /\p{Cs}/u;

/**
 * A line of text a person entered (a name, a street, a town): at most `max` UTF-16 units,
 * well-formed Unicode (no lone surrogates), normalised to NFC so that "é" typed two ways is one
 * name, trimmed, at least `min` characters long, and without the characters above.
 */
export function personText(options: { min?: number; max: number }) {
  const { min = 1, max } = options;
  return z
    .string()
    .max(max)
    .refine((value) => !loneSurrogate.test(value), { message: 'must be well-formed Unicode text', abort: true })
    .transform((value) => value.normalize('NFC').trim())
    .pipe(
      z
        .string()
        .min(min)
        .refine((value) => !forbiddenCharacters.test(value), {
          message: 'must not contain control or text-direction characters',
        }),
    );
}

/**
 * The id of a catalogue entry as a client names it (an appointment type, a practitioner): text by
 * personText's rules, so that a NUL or a lone surrogate is refused at the edge instead of failing
 * in PostgreSQL.
 */
export const referenceId = () => personText({ max: 100 });
