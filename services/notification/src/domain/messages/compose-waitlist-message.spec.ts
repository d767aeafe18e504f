import { aWaitlistConfirmedNotice, aWaitlistJoinedNotice, aWaitlistOfferedNotice } from '@otk/test-kit';
import { expect } from 'chai';
import { aPracticeSettings } from '../../../test/practice-settings.factory.js';
import type { Delivery, WaitlistMessageKind } from '../notice.js';
import { composeWaitlistEmail, composeWaitlistSms, waitlistKindOf } from './compose-waitlist-message.js';
import { segmentsOf } from './sms-text.js';

const siteUrl = 'https://onlinetermine.praxis-muster.example';
const languages = ['de', 'fr', 'it', 'en'] as const;

function delivery(kind: WaitlistMessageKind, overrides: Partial<Delivery<WaitlistMessageKind>> = {}) {
  return {
    kind,
    audience: 'patient',
    channel: 'email',
    recipient: 'wanda.warteliste@example.org',
    language: 'de',
    ...overrides,
  } as Delivery<WaitlistMessageKind>;
}

describe('waiting-list messages', () => {
  it('when a patient joins, then the e-mail asks to confirm by the deadline, with the confirm link and the days', () => {
    const notice = aWaitlistJoinedNotice();
    const email = composeWaitlistEmail(notice, delivery(waitlistKindOf(notice.type)), aPracticeSettings());
    expect(email.subject).to.equal('Bitte bestätigen Sie Ihren Platz auf der Warteliste von Zahnarztpraxis Dr. Muster');
    expect(email.action).to.deep.equal({
      label: 'Platz auf der Warteliste bestätigen',
      url: `${siteUrl}/waitlist/confirm?token=${notice.data.confirmToken}&lang=de`,
    });
    expect(email.details).to.deep.include({
      label: 'Tage',
      value: 'Sonntag, 6. Januar 2030 bis Donnerstag, 31. Januar 2030',
    });
    // 09:15 UTC is 10:15 in Zurich.
    expect(email.paragraphs[0]).to.include('10:15');
  });

  it('when a place is confirmed, then the e-mail links to leaving the list; "whoever is free first" stands for no practitioner', () => {
    const notice = aWaitlistConfirmedNotice({ practitionerId: null, practitionerName: null, language: 'en' });
    const email = composeWaitlistEmail(notice, delivery('waitlist-on-list', { language: 'en' }), aPracticeSettings());
    expect(email.action?.url).to.equal(`${siteUrl}/waitlist/leave?token=${notice.data.leaveToken}&lang=en`);
    expect(email.details).to.deep.include({ label: 'With', value: 'Whoever is free first' });
  });

  for (const language of languages) {
    it(`when a slot is offered in ${language}, then the e-mail names it in local time, links to the offer and to leaving the list`, () => {
      const notice = aWaitlistOfferedNotice({ language });
      const email = composeWaitlistEmail(notice, delivery('waitlist-offer', { language }), aPracticeSettings());
      expect(email.action?.url).to.equal(`${siteUrl}/waitlist/offer?token=${notice.data.offerToken}&lang=${language}`);
      expect(email.notes.join(' ')).to.include(
        `${siteUrl}/waitlist/leave?token=${notice.data.leaveToken}&lang=${language}`,
      );
      expect(email.details[0]?.value).to.include('09:00–09:30');
    });
  }

  it('when any waiting-list message goes by SMS in any language, then it fits two GSM-7 segments with its whole link', () => {
    for (const language of languages) {
      for (const notice of [aWaitlistJoinedNotice(), aWaitlistConfirmedNotice(), aWaitlistOfferedNotice()]) {
        const kind = waitlistKindOf(notice.type);
        const text = composeWaitlistSms(
          notice,
          delivery(kind, { channel: 'sms', recipient: '+41791234567', language }),
          aPracticeSettings(),
        );
        expect(segmentsOf(text), `${kind} in ${language}: ${text}`).to.deep.include({ encoding: 'GSM-7' });
        expect(segmentsOf(text).segments, `${kind} in ${language}`).to.be.at.most(2);
        expect(text).to.match(
          new RegExp(`${siteUrl}/waitlist/(confirm|leave|offer)\\?token=[\\w-]{43}&lang=${language}`),
        );
      }
    }
  });
});
