import type { Language } from '@otk/contracts';
import {
  aBookingCancelledByPracticeEvent,
  aBookingCancelledEvent,
  aBookingChangedNotice,
  aBookingConfirmedNotice,
  aBookingExpiredEvent,
  aBookingHeldNotice,
} from '@otk/test-kit';
import { expect } from 'chai';
import { aPracticeSettings } from '../../../test/practice-settings.factory.js';
import type { Delivery, NoticeKind } from '../notice.js';
import { composeEmail } from './compose-email.js';
import { renderHtml, renderText } from './email-layout.js';

const settings = aPracticeSettings();
const toPatient = (kind: NoticeKind, language: Language): Delivery => ({
  kind,
  audience: 'patient',
  channel: 'email',
  recipient: 'anna.beispiel@example.org',
  language,
});

// 2030-01-07 08:00 UTC is 09:00 in Zurich (winter time).
const expected: Record<Language, { subject: RegExp; zone: string; date: string; deadline: string }> = {
  de: {
    subject: /^Bitte bestätigen Sie Ihre Terminanfrage/,
    zone: 'Mitteleuropäische Normalzeit',
    date: '7. Januar 2030',
    deadline: '6. Januar 2030, 09:00',
  },
  fr: {
    subject: /^Veuillez confirmer votre demande/,
    zone: 'heure normale d’Europe centrale',
    date: '7 janvier 2030',
    deadline: '6 janvier 2030, 09:00',
  },
  it: {
    subject: /^Confermate la vostra richiesta/,
    zone: 'Ora standard dell’Europa centrale',
    date: '7 gennaio 2030',
    deadline: '6 gennaio 2030, 09:00',
  },
  en: {
    subject: /^Please confirm your appointment request/,
    zone: 'Central European Standard Time',
    date: '7 January 2030',
    deadline: '6 January 2030, 09:00',
  },
};

describe('composing e-mails', () => {
  for (const language of ['de', 'fr', 'it', 'en'] as const) {
    it(`when a hold is e-mailed in ${language}, then subject, local time with zone name, deadline and confirm link are there`, () => {
      const event = aBookingHeldNotice({ language });
      const content = composeEmail(event, toPatient('provisional-request', language), settings);
      const text = renderText(content);

      expect(content.subject).to.match(expected[language].subject);
      expect(text).to.include(expected[language].date);
      expect(text).to.include(`09:00–09:30 (${expected[language].zone})`);
      expect(text).to.not.include('08:00');
      expect(text).to.include(expected[language].deadline);
      expect(text).to.include('Dr. med. dent. Eva Muster');
      expect(text).to.include(event.data.booking.appointmentTypeName[language]!);
      expect(text).to.include('Bahnhofstrasse 1, 8001 Zürich');
      const link = `${settings.siteUrl}/confirm?token=${event.data.confirmToken}&lang=${language}`;
      expect(text).to.include(link);
      expect(content.action?.url).to.equal(link);
    });
  }

  it('when a booking is confirmed, then the e-mail has the manage link and the cancellation deadline', () => {
    const event = aBookingConfirmedNotice({ changeableUntil: '2030-01-06T08:00:00.000Z' });
    const text = renderText(composeEmail(event, toPatient('confirmation', 'de'), settings));
    expect(text).to.include(`${settings.siteUrl}/manage?token=${event.data.manageToken}&lang=de`);
    expect(text).to.include('bis Sonntag, 6. Januar 2030, 09:00 (Mitteleuropäische Normalzeit) online ändern');
  });

  it('when a booking moved, then the e-mail shows the new and the previous time', () => {
    const event = aBookingChangedNotice({}, { start: '2030-01-03T13:00:00.000Z', end: '2030-01-03T13:30:00.000Z' });
    const text = renderText(composeEmail(event, toPatient('change', 'en'), settings));
    expect(text).to.match(/Appointment: +Monday, 7 January 2030, 09:00–09:30/);
    expect(text).to.match(/Previous appointment: +Thursday, 3 January 2030, 14:00–14:30/);
  });

  it('when a summer-time appointment is shown, then it carries the summer zone name', () => {
    const event = aBookingCancelledEvent({ start: '2030-07-01T07:00:00.000Z', end: '2030-07-01T07:30:00.000Z' });
    const text = renderText(composeEmail(event, toPatient('cancellation', 'de'), settings));
    expect(text).to.include('09:00–09:30 (Mitteleuropäische Sommerzeit)');
    expect(text).to.include(`${settings.siteUrl}/?lang=de`);
  });

  it('when the practice cancels with a reason, then the patient reads it, in their language, escaped, and no "not you?"', () => {
    const reason = 'Dr. Muster ist krank <b>leider</b> & fällt aus';
    const event = aBookingCancelledByPracticeEvent(reason, { language: 'fr' });
    const content = composeEmail(event, toPatient('cancellation', 'fr'), settings);
    const text = renderText(content);
    expect(content.subject).to.equal('Votre rendez-vous du lundi, 7 janvier 2030 a été annulé par le cabinet');
    expect(text).to.match(/Notre motif: +Dr\. Muster ist krank <b>leider<\/b> & fällt aus/);
    expect(text).to.include('nous avons dû annuler votre rendez-vous');
    expect(text).to.not.include('Vous n’avez pas annulé');
    const html = renderHtml(content);
    expect(html).to.include('&#60;b&#62;leider&#60;/b&#62; &#38; fällt aus');
    expect(html).to.not.include('<b>leider');
  });

  it('when the patient cancelled, then the e-mail has no reason and asks "not you?"', () => {
    const text = renderText(composeEmail(aBookingCancelledEvent(), toPatient('cancellation', 'en'), settings));
    expect(text).to.include('You did not cancel this appointment?');
    expect(text).to.not.include('Our reason');
  });

  it('when a request expired, then the e-mail says the slot was released and has no link with a token', () => {
    const content = composeEmail(aBookingExpiredEvent(), toPatient('expiry', 'fr'), settings);
    expect(content.subject).to.equal('Votre demande de rendez-vous a expiré');
    expect(renderText(content)).to.include('libéré');
    expect(content.action).to.equal(undefined);
  });

  it('when a staff copy is composed, then it is marked as a copy, in the practice language, without the token', () => {
    const event = aBookingConfirmedNotice({ language: 'fr' });
    const content = composeEmail(
      event,
      { ...toPatient('confirmation', 'de'), audience: 'staff', recipient: 'empfang@praxis.example' },
      settings,
    );
    expect(content.subject).to.match(/^\[Kopie\] Ihr Termin ist bestätigt/);
    expect(content.banner).to.include('Anna Beispiel (Français)');
    expect(content.action).to.equal(undefined);
    expect(renderText(content)).to.not.include(event.data.manageToken);
    expect(renderHtml(content)).to.not.include(event.data.manageToken);
    expect(renderText(content)).to.not.include('/manage');
  });

  it('when a value contains markup, then the HTML escapes it and loads nothing from outside', () => {
    const event = aBookingHeldNotice({
      patient: { firstName: '<b>Anna</b>', lastName: "O'Brien", email: 'a@example.org' },
    });
    const html = renderHtml(composeEmail(event, toPatient('provisional-request', 'de'), settings));
    expect(html).to.include('&#60;b&#62;Anna&#60;/b&#62;');
    expect(html).to.not.include('<b>Anna');
    expect(html).to.not.match(/<(img|link|script)\b/);
    expect(html).to.not.match(/<style\b/);
  });
});
