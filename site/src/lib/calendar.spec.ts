import { expect } from 'chai';
import { addMonths, compareMonths, midnightIn, monthGrid, monthRange, todayIn } from './calendar.js';

describe('site calendar', () => {
  it('when a month starts on a Sunday, then its grid begins with six empty days and ends on a full week', () => {
    const grid = monthGrid({ year: 2026, month: 11 });
    expect(grid[0]).to.deep.equal([null, null, null, null, null, null, '2026-11-01']);
    expect(grid.at(-1)).to.deep.equal(['2026-11-30', null, null, null, null, null, null]);
    expect(grid.every((week) => week.length === 7)).to.equal(true);
  });

  it('when the month is a leap February, then it has 29 days', () => {
    expect(monthRange({ year: 2028, month: 2 })).to.deep.equal({ from: '2028-02-01', to: '2028-02-29' });
    expect(monthRange({ year: 2027, month: 2 }).to).to.equal('2027-02-28');
  });

  it('when months are added across a year end, then the year changes', () => {
    expect(addMonths({ year: 2026, month: 12 }, 1)).to.deep.equal({ year: 2027, month: 1 });
    expect(addMonths({ year: 2027, month: 1 }, -1)).to.deep.equal({ year: 2026, month: 12 });
    expect(compareMonths({ year: 2027, month: 1 }, { year: 2026, month: 12 })).to.be.greaterThan(0);
  });

  it('when it is already tomorrow in Zurich but still today in New York, then today is the practice’s date', () => {
    const now = new Date('2026-11-25T23:30:00Z');
    expect(todayIn('Europe/Zurich', now)).to.equal('2026-11-26');
    expect(todayIn('America/New_York', now)).to.equal('2026-11-25');
  });

  it('when a day begins in the practice zone, then its midnight is the zone one, across offset changes too', () => {
    expect(midnightIn('2026-01-15', 'Europe/Zurich').toISOString()).to.equal('2026-01-14T23:00:00.000Z');
    expect(midnightIn('2026-07-15', 'Europe/Zurich').toISOString()).to.equal('2026-07-14T22:00:00.000Z');
    // The days the clocks change: midnight still has the offset of the night before.
    expect(midnightIn('2026-03-29', 'Europe/Zurich').toISOString()).to.equal('2026-03-28T23:00:00.000Z');
    expect(midnightIn('2026-10-25', 'Europe/Zurich').toISOString()).to.equal('2026-10-24T22:00:00.000Z');
    expect(midnightIn('2026-03-08', 'America/Sao_Paulo').toISOString()).to.equal('2026-03-08T03:00:00.000Z');
  });
});
