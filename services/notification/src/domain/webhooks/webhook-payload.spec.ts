import { aBookingChangedEvent, aBookingHeldEvent, aWaitlistOfferedEvent } from '@otk/test-kit';
import { expect } from 'chai';
import { webhookPayload, webhookSubjectOf } from './webhook-payload.js';

const patient = {
  firstName: 'Anna',
  lastName: 'Beispiel',
  email: 'anna@example.org',
  phone: '+41791234567',
  birthDate: '1980-04-12',
  gender: 'female' as const,
  street: 'Seeweg 3',
  postcode: '8001',
  town: 'Zürich',
  country: 'CH',
};

describe('webhook payload', () => {
  it("when the level is 'none', then it carries ids and times and nothing about the patient", () => {
    const event = aBookingHeldEvent({ patient });
    const payload = webhookPayload(event, 'none');
    expect(payload).to.include({ type: 'booking.held', timestamp: event.occurredAt });
    expect(payload.data).to.include({ bookingId: event.data.booking.bookingId, start: event.data.booking.start });
    expect(payload.data).not.to.have.any.keys('patient', 'language');
    const body = JSON.stringify(payload);
    for (const value of Object.values(patient)) if (value.length > 2) expect(body).not.to.include(value);
  });

  it("when the level is 'contact', then it adds name, e-mail and phone only", () => {
    const payload = webhookPayload(aBookingHeldEvent({ patient }), 'contact');
    expect((payload.data as { patient: unknown }).patient).to.deep.equal({
      firstName: 'Anna',
      lastName: 'Beispiel',
      email: 'anna@example.org',
      phone: '+41791234567',
    });
  });

  it("when the level is 'full', then it carries what the patient entered", () => {
    const payload = webhookPayload(aBookingHeldEvent({ patient }), 'full');
    expect((payload.data as { patient: unknown }).patient).to.deep.equal(patient);
  });

  it('when an event carries more than its schema (a link token, say), then no level passes it on', () => {
    const plain = aBookingHeldEvent({ patient });
    const held = { ...plain, data: { ...plain.data, confirmToken: 'a-link-token-of-the-patient' } };
    for (const level of ['none', 'contact', 'full'] as const) {
      expect(JSON.stringify(webhookPayload(held, level))).not.to.include('a-link-token-of-the-patient');
    }
  });

  it('when a booking changed, then the previous time is included', () => {
    const event = aBookingChangedEvent();
    expect(webhookPayload(event, 'none').data).to.deep.include({
      previous: {
        practitionerId: event.data.previous.practitionerId,
        start: event.data.previous.start,
        end: event.data.previous.end,
      },
    });
  });

  it('when a freed slot is offered to a waiting patient, then the payload names the offer, what they wait for, and the patient only by level', () => {
    const event = aWaitlistOfferedEvent({ patient });
    const none = webhookPayload(event, 'none');
    expect(none).to.include({ type: 'waitlist.offered', timestamp: event.occurredAt });
    expect(none.data).to.deep.include({
      entryId: event.data.entry.entryId,
      offerId: event.data.offer.offerId,
      start: event.data.offer.start,
      waitingFor: {
        appointmentTypeId: 'checkup',
        practitionerId: 'dr-muster',
        firstDay: '2030-01-06',
        lastDay: '2030-01-31',
      },
    });
    expect(none.data).not.to.have.any.keys('patient', 'language');
    expect(JSON.stringify(none)).not.to.include('Anna');
    expect((webhookPayload(event, 'contact').data as { patient: unknown }).patient).to.deep.equal({
      firstName: 'Anna',
      lastName: 'Beispiel',
      email: 'anna@example.org',
      phone: '+41791234567',
    });
    expect(webhookSubjectOf(event)).to.equal(event.data.entry.entryId);
  });
});
