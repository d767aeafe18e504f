import { expect } from 'chai';
import type { FindAlternatives } from './ports.js';
import { shareAlternativesPerSlot, takenWithAlternatives } from './taken-slot-alternatives.js';

describe('alternatives of a taken slot', () => {
  const query = { appointmentTypeId: 'checkup', practitionerId: 'dr-a', after: new Date('2031-01-01T09:00:00Z') };
  const alternative = { start: '2031-01-01T10:00:00Z', end: '2031-01-01T10:30:00Z', practitionerId: 'dr-a' };

  it('when many ask for one slot within the time, then one look-up serves them; after it, or for another slot, a new one', async () => {
    let now = 0;
    let lookups = 0;
    const find: FindAlternatives = async () => {
      lookups++;
      return [alternative];
    };
    const shared = shareAlternativesPerSlot(find, { ttlMs: 2000, now: () => now });
    await Promise.all(Array.from({ length: 20 }, () => shared(query)));
    expect(lookups).to.equal(1);
    await shared({ ...query, after: new Date('2031-01-01T10:00:00Z') });
    expect(lookups).to.equal(2);
    now = 2000;
    await shared(query);
    expect(lookups).to.equal(3);
  });

  it('when the look-up fails, then the refusal goes out without alternatives and the failure is not kept', async () => {
    let fail = true;
    const shared = shareAlternativesPerSlot(
      async () => {
        if (fail) throw new Error('availability away');
        return [alternative];
      },
      { ttlMs: 2000 },
    );
    const refusal = await takenWithAlternatives({ findAlternatives: shared }, query);
    expect(refusal).to.include({ code: 'SLOT_TAKEN' });
    expect(refusal.details).to.deep.equal({ alternatives: [] });
    fail = false;
    expect((await takenWithAlternatives({ findAlternatives: shared }, query)).details).to.deep.equal({
      alternatives: [alternative],
    });
  });
});
