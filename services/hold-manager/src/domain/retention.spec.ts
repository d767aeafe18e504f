import { expect } from 'chai';
import { retentionCutoffs } from './retention.js';

describe('hold-manager retention cutoffs', () => {
  it('when the periods are 12 h, 90 days and 60 min, then data older than each goes', () => {
    const cutoffs = retentionCutoffs(new Date('2026-06-01T12:00:00Z'), {
      endedHoldHours: 12,
      bookingDays: 90,
      publishedEventMinutes: 60,
    });
    expect(cutoffs.endedHoldsBefore.toISOString()).to.equal('2026-06-01T00:00:00.000Z');
    expect(cutoffs.bookingsBefore.toISOString()).to.equal('2026-03-03T12:00:00.000Z');
    expect(cutoffs.publishedEventsBefore.toISOString()).to.equal('2026-06-01T11:00:00.000Z');
  });
});
