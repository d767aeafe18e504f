import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { type Language, allLanguages } from './i18n.js';

/** The console's texts (/admin), bundled apart from the patient pages' texts. */
const consoleTexts = (folder: string) =>
  Object.fromEntries(
    allLanguages.map((language) => [
      language,
      JSON.parse(readFileSync(new URL(`../i18n/${folder}/${language}.json`, import.meta.url), 'utf8')) as Record<
        string,
        string
      >,
    ]),
  ) as Record<Language, Record<string, string>>;
const folders = ['admin', 'admin-waitlist'] as const;
const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
/** A text as staff read it: its placeholders filled with a name, an e-mail address or a number. */
const rendered = (text: string) =>
  text.replace(/\{(\w+)\}/g, (_, name: string) =>
    /count|minutes|ratio|attempts|bookings|messages|syncJobs/.test(name) ? '3' : `Dr. Muster (${name})`,
  );

describe('console translations', () => {
  for (const folder of folders) {
    const messages = consoleTexts(folder);

    it(`when a language file of ${folder} is read, then it has exactly the keys of the English one, none empty, with the same placeholders`, () => {
      const keys = Object.keys(messages.en).sort();
      for (const language of allLanguages) {
        expect(Object.keys(messages[language]).sort(), language).to.deep.equal(keys);
        expect(
          Object.entries(messages[language])
            .filter(([, text]) => text.trim() === '')
            .map(([key]) => key),
          `empty in ${language}`,
        ).to.deep.equal([]);
        for (const key of keys)
          expect(placeholders(messages[language][key]!), `${language} ${key}`).to.deep.equal(
            placeholders(messages.en[key]!),
          );
      }
    });

    it(`when the texts of ${folder} are rendered, then quotes, apostrophes and spaces follow each language's typography`, () => {
      for (const language of allLanguages) {
        for (const [key, raw] of Object.entries(messages[language])) {
          const text = rendered(raw);
          const where = `${language} ${key}: ${text}`;
          expect(text, where).not.to.match(/['"]/);
          expect(text, where).not.to.include('...');
          expect(text, where).not.to.match(/ {2}/);
          expect(text, where).not.to.match(/\s[,.]/);
          // An abbreviated unit stays with its number; a written-out one ("3 minutes") may break.
          expect(text, where).not.to.match(/\d (min|Min\.)(?!\w)/);
          if (language === 'fr') {
            // A narrow no-break space before : ; ! ? (and none of another kind); not in 08:00 or https://.
            expect(text, where).not.to.match(/[^\u202f][:;!?](\s|$)/);
            expect(text, where).not.to.match(/\s(?<!\u202f)[:;!?]/);
            // Guillemets hold their words with a narrow no-break space inside.
            expect(text, where).not.to.match(/«(?!\u202f)|(?<!\u202f)»/);
          } else {
            expect(text, where).not.to.match(/\s[:;!?]/);
          }
        }
      }
    });
  }

  it('when the French console texts are read, then the signs before : and ? are bound by a narrow no-break space', () => {
    const fr = consoleTexts('admin').fr;
    expect(fr['settings.invalid']).to.equal('Veuillez vérifier\u202f: {fields}');
    expect(fr['patientData.confirmHeading']).to.equal('Effacer les données de ce patient\u202f?');
    expect(fr['signIn.failed']).to.match(/^L’adresse e-mail/);
  });
});
