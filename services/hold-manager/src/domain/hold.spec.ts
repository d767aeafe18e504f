import { AppError } from '@otk/contracts';
import { expect } from 'chai';
import { assertHoldable, holdExpiresAt } from './hold.js';

describe('hold rules', () => {
  const now = new Date('2026-03-01T10:00:00Z');

  it('when the slot lies ahead, then it may be held', () => {
    expect(() =>
      assertHoldable({ start: new Date('2026-03-02T08:00:00Z'), end: new Date('2026-03-02T08:30:00Z') }, now),
    ).not.to.throw();
  });

  it('when the slot has started, then it is refused with VALIDATION_FAILED', () => {
    expect(() => assertHoldable({ start: now, end: new Date('2026-03-01T10:30:00Z') }, now))
      .to.throw(AppError)
      .with.property('code', 'VALIDATION_FAILED');
  });

  it('when the slot ends before it starts, then it is refused', () => {
    expect(() =>
      assertHoldable({ start: new Date('2026-03-02T08:30:00Z'), end: new Date('2026-03-02T08:00:00Z') }, now),
    ).to.throw(AppError);
  });

  it('when a hold is placed, then it lapses after the confirmation window', () => {
    expect(holdExpiresAt(now, 900).toISOString()).to.equal('2026-03-01T10:15:00.000Z');
  });
});
