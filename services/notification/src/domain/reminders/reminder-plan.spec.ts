import { aBookingSnapshot } from '@otk/test-kit';
import { expect } from 'chai';
import { aPracticeSettings } from '../../../test/practice-settings.factory.js';
import { contactKeysOf, isStillConfigured, planReminders, reminderDelivery } from './reminder-plan.js';

const hour = 3600_000;
const start = new Date('2030-01-07T08:00:00Z');

describe('reminder plan', () => {
  it('when a booking is confirmed three days ahead, then each offset is due its hours before the start, earliest first', () => {
    const now = new Date(start.getTime() - 72 * hour);
    const planned = planReminders(
      start,
      [
        { hoursBefore: 2, channel: 'sms' },
        { hoursBefore: 48, channel: 'email' },
      ],
      now,
    );
    expect(planned).to.deep.equal([
      { hoursBefore: 48, channel: 'email', dueAt: new Date('2030-01-05T08:00:00Z') },
      { hoursBefore: 2, channel: 'sms', dueAt: new Date('2030-01-07T06:00:00Z') },
    ]);
  });

  it('when an offset is already past at confirmation, then it is left out', () => {
    const now = new Date(start.getTime() - 24 * hour);
    const planned = planReminders(
      start,
      [
        { hoursBefore: 48, channel: 'email' },
        { hoursBefore: 24, channel: 'email' },
        { hoursBefore: 2, channel: 'sms' },
      ],
      now,
    );
    expect(planned.map((p) => p.hoursBefore)).to.deep.equal([2]);
  });

  it('when the practice removed an offset, then a pending reminder of it is no longer configured', () => {
    const settings = aPracticeSettings({ reminders: [{ hoursBefore: 48, channel: 'email' }] });
    expect(isStillConfigured({ hoursBefore: 48, channel: 'email' }, settings)).to.equal(true);
    expect(isStillConfigured({ hoursBefore: 48, channel: 'sms' }, settings)).to.equal(false);
    expect(isStillConfigured({ hoursBefore: 2, channel: 'email' }, settings)).to.equal(false);
  });

  describe('how a reminder reaches the patient', () => {
    const both = aBookingSnapshot({
      language: 'fr',
      patient: { firstName: 'A', lastName: 'B', email: 'a@example.org', phone: '+41791234567' },
    });
    const emailOnly = aBookingSnapshot({ patient: { firstName: 'A', lastName: 'B', email: 'a@example.org' } });
    const phoneOnly = aBookingSnapshot({ patient: { firstName: 'A', lastName: 'B', phone: '+41791234567' } });
    const smsOn = aPracticeSettings({ smsEnabled: true });

    it('when SMS is on, available and the patient gave a number, then an SMS reminder goes by SMS in their language', () => {
      expect(reminderDelivery(both, 'sms', smsOn, true)).to.deep.equal({
        kind: 'reminder',
        audience: 'patient',
        channel: 'sms',
        recipient: '+41791234567',
        language: 'fr',
      });
    });

    it('when SMS cannot go (switched off, no provider, no number), then an SMS reminder goes by e-mail', () => {
      expect(reminderDelivery(both, 'sms', aPracticeSettings(), true)?.channel).to.equal('email');
      expect(reminderDelivery(both, 'sms', smsOn, false)?.channel).to.equal('email');
      expect(reminderDelivery(emailOnly, 'sms', smsOn, true)?.recipient).to.equal('a@example.org');
    });

    it('when the patient has no address, then an e-mail reminder goes by SMS if it can, else not at all', () => {
      expect(reminderDelivery(phoneOnly, 'email', smsOn, true)?.channel).to.equal('sms');
      expect(reminderDelivery(phoneOnly, 'email', aPracticeSettings(), true)).to.equal(undefined);
    });
  });

  it('when contacts are keyed for the opt-out list, then the case of the address does not matter and neither contact is readable', () => {
    const [email, phone] = contactKeysOf({
      firstName: 'A',
      lastName: 'B',
      email: 'Anna@Example.org',
      phone: '+41791234567',
    });
    expect(contactKeysOf({ firstName: 'A', lastName: 'B', email: 'anna@example.org' })).to.deep.equal([email]);
    expect(email).to.match(/^[0-9a-f]{64}$/);
    expect(phone)
      .to.match(/^[0-9a-f]{64}$/)
      .and.not.equal(email);
  });
});
