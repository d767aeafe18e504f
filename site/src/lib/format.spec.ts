import { expect } from 'chai';
import { formats } from './format.js';

describe('site formats', () => {
  it('when a time is shown, then it is in the practice time zone, whatever the device zone', () => {
    // 07:30 UTC in summer is 09:30 in Zurich.
    expect(formats('de', 'Europe/Zurich').time('2026-07-01T07:30:00Z')).to.equal('09:30');
    expect(formats('en', 'Europe/Zurich').time('2026-07-01T09:30:00+02:00')).to.match(/09:30|9:30/);
  });

  it('when a date is shown, then it is written in the patient language', () => {
    expect(formats('de', 'Europe/Zurich').longDate('2026-12-02')).to.equal('Mittwoch, 2. Dezember 2026');
    // French writes no comma after the weekday.
    expect(formats('fr', 'Europe/Zurich').longDate('2026-12-02')).to.match(/^mercredi 2 décembre 2026$/);
    expect(formats('it', 'Europe/Zurich').monthTitle(2026, 12)).to.match(/dicembre 2026/);
  });

  it('when the device is in another zone than the practice, then the practice zone is named', () => {
    expect(formats('de', 'Europe/Zurich').zoneNote('America/New_York')).to.equal('Mitteleuropäische Zeit');
    expect(formats('en', 'Europe/Zurich').zoneNote('Europe/Zurich')).to.equal(null);
  });

  it('when the countdown runs, then it shows minutes and seconds and never goes below zero', () => {
    const fmt = formats('de', 'Europe/Zurich');
    expect(fmt.countdown(14 * 60000 + 5000)).to.equal('14:05');
    expect(fmt.countdown(-1)).to.equal('0:00');
  });
});
