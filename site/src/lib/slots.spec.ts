import { expect } from 'chai';
import { byPractitioner } from './slots.js';

const slot = (time: string, practitionerId: string) => ({
  start: `2026-12-02T${time}:00+01:00`,
  end: `2026-12-02T${time}:30+01:00`,
  practitionerId,
});

describe('site slots', () => {
  it('when the next free practitioner is asked for, then the day’s times are grouped under each practitioner once', () => {
    const groups = byPractitioner([
      slot('10:00', 'dr-keller'),
      slot('09:00', 'dr-muster'),
      slot('08:00', 'dr-keller'),
      slot('11:00', 'dr-muster'),
    ]);
    expect(groups.map((g) => g.practitionerId)).to.deep.equal(['dr-keller', 'dr-muster']);
    expect(groups[0]!.slots.map((s) => s.start.slice(11, 16))).to.deep.equal(['08:00', '10:00']);
    expect(groups[1]!.slots.map((s) => s.start.slice(11, 16))).to.deep.equal(['09:00', '11:00']);
    expect(byPractitioner([])).to.deep.equal([]);
  });
});
