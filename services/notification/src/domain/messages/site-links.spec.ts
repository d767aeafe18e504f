import type { Language } from '@otk/contracts';
import {
  aBookingCancelledEvent,
  aBookingChangedNotice,
  aBookingConfirmedNotice,
  aBookingExpiredEvent,
  aBookingHeldNotice,
} from '@otk/test-kit';
import { expect } from 'chai';
import { aPracticeSettings } from '../../../test/practice-settings.factory.js';
import { type NoticeEvent, planDeliveries } from '../notice.js';
import { composeEmail } from './compose-email.js';
import { renderHtml, renderText } from './email-layout.js';
import { bookingLink, confirmLink, manageLink } from './site-links.js';
import { composeSms } from './sms-text.js';

const languages: Language[] = ['de', 'fr', 'it', 'en'];
const siteUrl = 'https://onlinetermine.praxis-muster.example';

/** Every address of the site in a text; in HTML, `&` is written as a character reference. */
function siteLinksIn(text: string): URL[] {
  const unescaped = text.replace(/&#38;/g, '&');
  return [...unescaped.matchAll(/https:\/\/onlinetermine\.praxis-muster\.example[^\s<>"]*/g)].map((m) => new URL(m[0]));
}

function eventsIn(language: Language, channel: 'email' | 'sms'): NoticeEvent[] {
  const patient = { firstName: 'Anna', lastName: 'Beispiel', email: 'anna@example.org', phone: '+41791234567' };
  const booking = { language, channel, patient };
  return [
    aBookingHeldNotice(booking),
    aBookingConfirmedNotice(booking),
    aBookingChangedNotice(booking),
    aBookingCancelledEvent(booking),
    aBookingExpiredEvent(booking),
  ];
}

describe('links to the booking site in messages', () => {
  it('when a link is built, then it is the site’s page with the token and the language as the site reads them', () => {
    const settings = aPracticeSettings({ siteUrl: `${siteUrl}/` });
    expect(confirmLink(settings, 'abc_-1', 'fr')).to.equal(`${siteUrl}/confirm?token=abc_-1&lang=fr`);
    expect(manageLink(settings, 'abc_-1', 'it')).to.equal(`${siteUrl}/manage?token=abc_-1&lang=it`);
    expect(bookingLink(settings, 'en')).to.equal(`${siteUrl}/?lang=en`);
  });

  for (const language of languages) {
    it(`when a patient who booked in ${language} gets any e-mail, then every link in its text and HTML opens the site in ${language}`, () => {
      const settings = aPracticeSettings();
      for (const event of eventsIn(language, 'email')) {
        const [delivery] = planDeliveries(event, settings, false);
        const content = composeEmail(event, delivery!, settings);
        for (const rendered of [renderText(content), renderHtml(content)]) {
          const links = siteLinksIn(rendered);
          expect(links, `links in the ${delivery!.kind} e-mail`).to.have.length.greaterThan(0);
          for (const link of links) expect(link.searchParams.get('lang'), link.href).to.equal(language);
        }
      }
    });

    it(`when a patient who booked in ${language} gets any SMS, then its link opens the site in ${language}`, () => {
      const settings = aPracticeSettings({ smsEnabled: true });
      let linked = 0;
      for (const event of eventsIn(language, 'sms')) {
        const [delivery] = planDeliveries(event, settings, true);
        expect(delivery!.channel).to.equal('sms');
        for (const link of siteLinksIn(composeSms(event, delivery!, settings))) {
          linked += 1;
          expect(link.searchParams.get('lang'), link.href).to.equal(language);
        }
      }
      // The request, the confirmation and the change carry a link; cancellation and expiry none.
      expect(linked).to.equal(3);
    });
  }

  it('when a staff copy links to the site, then the link is in the copy’s language, the practice’s', () => {
    const settings = aPracticeSettings({
      defaultLanguage: 'it',
      staffCopies: true,
      staffAddresses: ['empfang@praxis-muster.example'],
    });
    const event = aBookingCancelledEvent({ language: 'fr' });
    const copy = planDeliveries(event, settings, false).find((d) => d.audience === 'staff')!;
    const links = siteLinksIn(renderText(composeEmail(event, copy, settings)));
    expect(links.map((link) => link.href)).to.deep.equal([`${siteUrl}/?lang=it`]);
  });
});
