import { AppError, type BookingStatus } from '@otk/contracts';
import { expect } from 'chai';
import {
  type BookingAction,
  assertBeforeCancellationDeadline,
  assertBelowHoldLimits,
  changeableUntil,
  contactKey,
  holdExpiresAt,
  isOverdue,
  nextStatus,
} from './booking-rules.js';

describe('booking rules', () => {
  const now = new Date('2026-03-01T10:00:00Z');
  const statuses: BookingStatus[] = ['held', 'confirmed', 'expired', 'withdrawn', 'cancelled'];
  const allowed: Record<BookingAction, [BookingStatus, BookingStatus]> = {
    confirm: ['held', 'confirmed'],
    expire: ['held', 'expired'],
    withdraw: ['held', 'withdrawn'],
    change: ['confirmed', 'confirmed'],
    cancel: ['confirmed', 'cancelled'],
  };

  for (const [action, [from, to]] of Object.entries(allowed) as [BookingAction, [BookingStatus, BookingStatus]][]) {
    it(`when a ${from} booking is asked to ${action}, then it becomes ${to}; from any other state, ILLEGAL_TRANSITION`, () => {
      expect(nextStatus(from, action)).to.equal(to);
      for (const other of statuses.filter((s) => s !== from)) {
        expect(() => nextStatus(other, action), `${other} → ${action}`)
          .to.throw(AppError)
          .with.property('code', 'ILLEGAL_TRANSITION');
      }
    });
  }

  it('when a hold is placed, then it lapses after the confirmation window, and is overdue from that millisecond on', () => {
    const deadline = holdExpiresAt(now, { confirmationWindowSeconds: 900 });
    expect(deadline.toISOString()).to.equal('2026-03-01T10:15:00.000Z');
    expect(isOverdue(deadline, new Date(deadline.getTime() - 1))).to.equal(false);
    expect(isOverdue(deadline, deadline)).to.equal(true);
  });

  it('when the cancellation deadline is reached, then change and cancel are refused with CANCELLATION_DEADLINE_PASSED', () => {
    const until = changeableUntil(new Date('2026-03-02T10:00:00Z'), { cancellationDeadlineSeconds: 86400 });
    expect(until.toISOString()).to.equal('2026-03-01T10:00:00.000Z');
    expect(() => assertBeforeCancellationDeadline(until, new Date(until.getTime() - 1))).not.to.throw();
    expect(() => assertBeforeCancellationDeadline(until, until))
      .to.throw(AppError)
      .with.property('code', 'CANCELLATION_DEADLINE_PASSED');
  });

  it('when contacts differ only in case or spaces, then they count as one', () => {
    const patient = { firstName: 'A', lastName: 'B', email: ' Anna@Example.CH', phone: '+41791234567' };
    expect(contactKey('email', patient)).to.equal(contactKey('email', { ...patient, email: 'anna@example.ch' }));
    expect(contactKey('sms', patient)).to.equal('sms:+41791234567');
    expect(() => contactKey('sms', { firstName: 'A', lastName: 'B' })).to.throw(AppError);
  });

  it('when a contact or a client reaches its limit, then TOO_MANY_OPEN_HOLDS names the scope', () => {
    const limits = { maxOpenHoldsPerContact: 3, maxOpenHoldsPerClient: 20 };
    expect(() => assertBelowHoldLimits({ contact: 2, client: 19 }, limits)).not.to.throw();
    expect(() => assertBelowHoldLimits({ contact: 3, client: 0 }, limits))
      .to.throw(AppError)
      .with.deep.property('details', { limit: 3, scope: 'contact' });
    expect(() => assertBelowHoldLimits({ contact: 0, client: 20 }, limits))
      .to.throw(AppError)
      .with.deep.property('details', { limit: 20, scope: 'client' });
  });
});
