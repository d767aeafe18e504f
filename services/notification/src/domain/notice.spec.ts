import { aBookingCancelledEvent, aBookingConfirmedNotice, aBookingHeldNotice } from '@otk/test-kit';
import { expect } from 'chai';
import { aPracticeSettings } from '../../test/practice-settings.factory.js';
import { planDeliveries } from './notice.js';

const staff = {
  staffCopies: true,
  staffAddresses: ['empfang@praxis.example', 'Chefin@Praxis.example', 'empfang@praxis.example'],
};

describe('who is notified', () => {
  it('when a booking is confirmed and staff copies are on, then the patient and each distinct staff address get one', () => {
    const deliveries = planDeliveries(aBookingConfirmedNotice({ language: 'fr' }), aPracticeSettings(staff), false);
    expect(deliveries.map((d) => [d.audience, d.recipient, d.language])).to.deep.equal([
      ['patient', 'anna.beispiel@example.org', 'fr'],
      ['staff', 'empfang@praxis.example', 'de'],
      ['staff', 'chefin@praxis.example', 'de'],
    ]);
  });

  it('when a staff address is the patient address, then that address gets the original only', () => {
    const event = aBookingConfirmedNotice({
      patient: { firstName: 'A', lastName: 'B', email: 'Empfang@praxis.example' },
    });
    const deliveries = planDeliveries(event, aPracticeSettings(staff), false);
    expect(deliveries.map((d) => [d.audience, d.recipient])).to.deep.equal([
      ['patient', 'Empfang@praxis.example'],
      ['staff', 'chefin@praxis.example'],
    ]);
  });

  it('when a hold is placed, then staff get no copy of the request', () => {
    const deliveries = planDeliveries(aBookingHeldNotice(), aPracticeSettings(staff), false);
    expect(deliveries.map((d) => d.audience)).to.deep.equal(['patient']);
  });

  it('when staff copies are off, then only the patient is notified', () => {
    const deliveries = planDeliveries(
      aBookingCancelledEvent(),
      aPracticeSettings({ ...staff, staffCopies: false }),
      false,
    );
    expect(deliveries).to.have.length(1);
  });

  it('when the patient chose SMS, then SMS goes only if the practice enabled it and a provider is configured', () => {
    const event = aBookingHeldNotice({
      channel: 'sms',
      patient: { firstName: 'A', lastName: 'B', phone: '+41791234567' },
    });
    expect(planDeliveries(event, aPracticeSettings({ smsEnabled: true }), true)[0]).to.include({
      channel: 'sms',
      recipient: '+41791234567',
    });
    expect(planDeliveries(event, aPracticeSettings({ smsEnabled: false }), true)).to.deep.equal([]);
    expect(planDeliveries(event, aPracticeSettings({ smsEnabled: true }), false)).to.deep.equal([]);
  });

  it('when SMS is not possible but the patient gave an e-mail address, then e-mail goes instead', () => {
    const event = aBookingHeldNotice({
      channel: 'sms',
      patient: { firstName: 'A', lastName: 'B', phone: '+41791234567', email: 'a@example.org' },
    });
    expect(planDeliveries(event, aPracticeSettings(), false)[0]).to.include({
      channel: 'email',
      recipient: 'a@example.org',
    });
  });

  it('when the practice does not write in the patient language, then its default language is used', () => {
    const event = aBookingHeldNotice({ language: 'it' });
    const settings = aPracticeSettings({ languages: ['de', 'fr'], defaultLanguage: 'fr' });
    expect(planDeliveries(event, settings, false)[0]?.language).to.equal('fr');
  });
});
