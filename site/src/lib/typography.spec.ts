import { expect } from 'chai';
import { formats } from './format.js';
import { type Language, type MessageKey, loadMessages, translator } from './i18n.js';

const NNBSP = '\u202f';
const NBSP = '\u00a0';

/** Every text of the booking site in `language`, rendered as a patient reads it. */
async function renderedTexts(language: Language): Promise<{ key: string; text: string }[]> {
  const messages = await loadMessages(language);
  const t = translator(messages);
  const fmt = formats(language, 'Europe/Zurich');
  const vars = {
    n: 5,
    total: 7,
    minutes: 30,
    step: t('step.datetime'),
    date: fmt.longDate('2026-12-01'),
    when: fmt.dateTime('2026-12-01T08:30:00Z'),
    time: fmt.dateTime('2026-12-01T08:30:00Z'),
    deadline: fmt.time('2026-12-01T08:45:00Z'),
    name: 'Dr. med. dent. Eva Muster',
    contact: 'anna@example.ch',
    zone: 'UTC',
    phone: '+41 44 123 45 67',
    practice: 'Zahnarztpraxis Dr. Muster',
    type: 'Kontrolle',
    practitioner: 'Dr. med. dent. Eva Muster',
    firstDay: fmt.longDate('2026-12-01'),
    lastDay: fmt.longDate('2026-12-28'),
  };
  return (Object.keys(messages) as MessageKey[]).map((key) => ({ key, text: t(key, vars) }));
}

/** Rules of every language: typographic apostrophes and quotes, an ellipsis, numbers bound to their unit. */
function expectCommonTypography(texts: { key: string; text: string }[]): void {
  for (const { key, text } of texts) {
    expect(text, key).not.to.match(/['"]/);
    expect(text, key).not.to.include('...');
    expect(text, key).not.to.match(/ {2}/);
    expect(text, key).not.to.match(/\s[,.]/);
    expect(text, key).not.to.match(/\d (min|Min\.)/);
    expect(text, key).not.to.match(/\{\w+\}/);
  }
}

/** English, German and Italian put nothing between a word and its ':' ';' '!' '?'. */
function expectNoSpaceBeforePunctuation(texts: { key: string; text: string }[]): void {
  for (const { key, text } of texts) expect(text, key).not.to.match(/\s[:;!?]/);
}

describe('site typography in every language', () => {
  it('when the French texts are rendered, then a narrow no-break space precedes : ; ! ? and dates read "mardi 1er décembre"', async () => {
    const texts = await renderedTexts('fr');
    expectCommonTypography(texts);
    for (const { key, text } of texts) {
      expect(text, key).not.to.match(/[^\u202f][:;!?](\s|$)/);
      expect(text, key).not.to.match(/\s(?<!\u202f)[:;!?]/);
    }
    const byKey = new Map(texts.map(({ key, text }) => [key, text]));
    expect(byKey.get('progress.current')).to.equal(`Étape 5 sur 7${NNBSP}: Date et heure`);
    expect(byKey.get('datetime.heading')).to.equal(`Quand souhaitez-vous venir${NNBSP}?`);
    expect(byKey.get('type.duration')).to.equal(`30${NBSP}min`);
    const fmt = formats('fr', 'Europe/Zurich');
    expect(fmt.longDate('2026-12-01')).to.equal('mardi 1er décembre 2026');
    expect(fmt.longDate('2026-12-02')).to.equal('mercredi 2 décembre 2026');
    expect(fmt.dateTime('2026-12-01T08:30:00Z')).to.equal('mardi 1er décembre 2026 à 09:30');
    expect(fmt.longDate('2026-12-11')).to.equal('vendredi 11 décembre 2026');
  });

  it('when the German texts are rendered, then the punctuation is German and dates read "Dienstag, 1. Dezember"', async () => {
    const texts = await renderedTexts('de');
    expectCommonTypography(texts);
    expectNoSpaceBeforePunctuation(texts);
    const byKey = new Map(texts.map(({ key, text }) => [key, text]));
    expect(byKey.get('progress.current')).to.equal('Schritt 5 von 7: Datum und Zeit');
    expect(byKey.get('type.duration')).to.equal(`30${NBSP}Min.`);
    const fmt = formats('de', 'Europe/Zurich');
    expect(fmt.longDate('2026-12-01')).to.equal('Dienstag, 1. Dezember 2026');
    expect(fmt.dateTime('2026-12-01T08:30:00Z')).to.equal('Dienstag, 1. Dezember 2026 um 09:30');
  });

  it('when the Italian texts are rendered, then apostrophes are typographic and dates read "martedì 1º dicembre"', async () => {
    const texts = await renderedTexts('it');
    expectCommonTypography(texts);
    expectNoSpaceBeforePunctuation(texts);
    const byKey = new Map(texts.map(({ key, text }) => [key, text]));
    expect(byKey.get('progress.current')).to.equal('Passo 5 di 7: Data e ora');
    expect(byKey.get('error.SIGN_IN_FAILED')).to.match(/^L’indirizzo/);
    const fmt = formats('it', 'Europe/Zurich');
    expect(fmt.longDate('2026-12-01')).to.equal('martedì 1º dicembre 2026');
    expect(fmt.longDate('2026-12-02')).to.equal('mercoledì 2 dicembre 2026');
    expect(fmt.dateTime('2026-12-01T08:30:00Z')).to.equal('martedì 1º dicembre 2026 alle ore 09:30');
  });

  it('when the English texts are rendered, then the punctuation is English and dates read "Tuesday, 1 December"', async () => {
    const texts = await renderedTexts('en');
    expectCommonTypography(texts);
    expectNoSpaceBeforePunctuation(texts);
    const byKey = new Map(texts.map(({ key, text }) => [key, text]));
    expect(byKey.get('progress.current')).to.equal('Step 5 of 7: Date and time');
    expect(byKey.get('type.duration')).to.equal(`30${NBSP}min`);
    const fmt = formats('en', 'Europe/Zurich');
    expect(fmt.longDate('2026-12-01')).to.equal('Tuesday, 1 December 2026');
    expect(fmt.dateTime('2026-12-01T08:30:00Z')).to.equal('Tuesday, 1 December 2026 at 09:30');
  });
});
