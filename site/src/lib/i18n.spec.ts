import { readFileSync } from 'node:fs';
import { errorCodes } from '@otk/contracts';
import { expect } from 'chai';
import { allLanguages, pickLanguage, translator } from './i18n.js';

const messages = Object.fromEntries(
  allLanguages.map((language) => [
    language,
    JSON.parse(readFileSync(new URL(`../i18n/${language}.json`, import.meta.url), 'utf8')) as Record<string, string>,
  ]),
);

describe('site translations', () => {
  it('when a language file is read, then it has exactly the keys of the English one, none empty', () => {
    const keys = Object.keys(messages.en!).sort();
    for (const language of allLanguages) {
      expect(Object.keys(messages[language]!).sort(), language).to.deep.equal(keys);
      expect(
        Object.values(messages[language]!).filter((text) => text.trim() === ''),
        language,
      ).to.deep.equal([]);
    }
  });

  it('when the API answers with any error code, then every language has a sentence for it', () => {
    for (const code of [...Object.keys(errorCodes), 'NETWORK', 'UNKNOWN']) {
      for (const language of allLanguages)
        expect(messages[language], `${language} ${code}`).to.have.property(`error.${code}`);
    }
  });

  it('when a text has placeholders, then they are filled and the same in every language', () => {
    const t = translator(messages.de as never);
    expect(t('progress.current', { n: 2, total: 7, step: 'Bereich' })).to.equal('Schritt 2 von 7: Bereich');
    for (const [key, english] of Object.entries(messages.en!)) {
      const names = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      for (const language of allLanguages)
        expect(names(messages[language]![key]!), `${language} ${key}`).to.deep.equal(names(english));
    }
  });

  it('when the language is picked, then an offered choice wins, then the browser, then the practice default', () => {
    expect(pickLanguage(['de', 'fr'], 'de', 'fr', ['en-GB'])).to.equal('fr');
    expect(pickLanguage(['de', 'fr'], 'de', 'it', ['fr-CH', 'de'])).to.equal('fr');
    expect(pickLanguage(['de', 'fr'], 'de', null, ['en-US'])).to.equal('de');
  });
});
