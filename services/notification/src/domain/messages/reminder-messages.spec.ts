import type { Language } from '@otk/contracts';
import { aBookingConfirmedNotice } from '@otk/test-kit';
import { expect } from 'chai';
import { aPracticeSettings } from '../../../test/practice-settings.factory.js';
import type { Delivery, ReminderNotice } from '../notice.js';
import { calendarMethodFor } from '../outgoing-email.js';
import { composeEmail } from './compose-email.js';
import { renderHtml, renderText } from './email-layout.js';
import { composeSms, segmentsOf } from './sms-text.js';

const site = 'https://onlinetermine.praxis-muster.example';

/** A reminder of a confirmed booking (2030-01-07 09:00 in Zurich), with its two tokens. */
function aReminder(language: Language): ReminderNotice {
  const { data } = aBookingConfirmedNotice({
    language,
    patient: { firstName: 'Anna', lastName: 'Beispiel', email: 'anna@example.org', phone: '+41791234567' },
  });
  return {
    id: '7d0f4c1e-2b3a-4c5d-8e9f-0a1b2c3d4e03',
    type: 'reminder',
    occurredAt: '2030-01-05T08:00:00.000Z',
    data: { booking: data.booking, manageToken: 'M'.repeat(43), optOutToken: 'O'.repeat(22) },
  };
}

const to = (channel: 'email' | 'sms', language: Language): Delivery => ({
  kind: 'reminder',
  audience: 'patient',
  channel,
  recipient: channel === 'sms' ? '+41791234567' : 'anna@example.org',
  language,
});

describe('reminder messages', () => {
  for (const language of ['de', 'fr', 'it', 'en'] as const) {
    it(`when a reminder is e-mailed in ${language}, then it has the time, the manage link, the opt-out link and a calendar update`, () => {
      const reminder = aReminder(language);
      const content = composeEmail(reminder, to('email', language), aPracticeSettings());
      const text = renderText(content);
      const html = renderHtml(content);
      expect(content.subject).to.match(/2030/);
      expect(text).to.include('09:00');
      expect(content.action?.url).to.equal(`${site}/manage?token=${'M'.repeat(43)}&lang=${language}`);
      expect(text).to.include(`${site}/reminders?token=${'O'.repeat(22)}&lang=${language}`);
      expect(html).to.include(`href="${site}/reminders?token=${'O'.repeat(22)}&#38;lang=${language}"`);
      expect(calendarMethodFor(reminder, to('email', language))).to.equal('REQUEST');
    });

    it(`when a reminder goes by SMS in ${language}, then it fits two GSM-7 segments with both links whole`, () => {
      const text = composeSms(aReminder(language), to('sms', language), aPracticeSettings());
      expect(segmentsOf(text), text).to.deep.equal({ segments: 2, encoding: 'GSM-7' });
      expect(text).to.include(`${site}/manage?token=${'M'.repeat(43)}&lang=${language}`);
      expect(text).to.include(`${site}/reminders?token=${'O'.repeat(22)}&lang=${language}`);
      expect(text).to.include('09:00');
    });
  }
});
