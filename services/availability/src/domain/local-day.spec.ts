import { expect } from 'chai';
import { localDay, nextDate, wallToInstant } from './local-day.js';

describe('availability: local days', () => {
  it('when a date lies in the years 0–99, then it stays in its own year (not 19xx)', () => {
    expect(nextDate('0001-01-01')).to.equal('0001-01-02');
    expect(nextDate('0099-12-31')).to.equal('0100-01-01');
    const day = localDay('0050-06-15', 'UTC');
    expect(new Date(wallToInstant(day, 9 * 60, 'UTC')).toISOString()).to.equal('0050-06-15T09:00:00.000Z');
  });

  it('when the day after the last of a month or a leap day is asked, then the calendar is followed', () => {
    expect(nextDate('2026-01-31')).to.equal('2026-02-01');
    expect(nextDate('2028-02-28')).to.equal('2028-02-29');
    expect(nextDate('2026-12-31')).to.equal('2027-01-01');
  });
});
