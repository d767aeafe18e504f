import { expect } from 'chai';
import { placeholdersOf, translations } from './translations.js';

/** Every leaf of a translation file, by its dotted key. */
function leaves(value: unknown, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  if (typeof value === 'string') out.set(prefix, value);
  else if (value && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      for (const [k, v] of leaves(child, prefix ? `${prefix}.${key}` : key)) out.set(k, v);
    }
  }
  return out;
}

describe('translation files', () => {
  const german = leaves(translations.de);

  for (const language of ['fr', 'it', 'en'] as const) {
    it(`when ${language} is compared with German, then it has the same keys and each text asks for the same placeholders`, () => {
      const other = leaves(translations[language]);
      expect([...other.keys()].sort()).to.deep.equal([...german.keys()].sort());
      for (const [key, text] of german) {
        expect(placeholdersOf(other.get(key)!), `${language}: ${key}`).to.deep.equal(placeholdersOf(text));
        expect(other.get(key), `${language}: ${key}`).to.not.equal('');
      }
    });
  }
});
