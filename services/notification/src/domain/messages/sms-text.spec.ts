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
import type { Delivery } from '../notice.js';
import { composeSms, segmentsOf, toGsm7 } from './sms-text.js';

const bySms = (delivery: Partial<Delivery> = {}): Delivery => ({
  kind: 'provisional-request',
  audience: 'patient',
  channel: 'sms',
  recipient: '+41791234567',
  language: 'de',
  ...delivery,
});

describe('SMS text', () => {
  for (const language of ['de', 'fr', 'it', 'en'] as const) {
    it(`when a hold is sent by SMS in ${language}, then it fits two GSM-7 segments with the whole confirm link and the local time`, () => {
      const event = aBookingHeldNotice({
        language,
        channel: 'sms',
        patient: { firstName: 'A', lastName: 'B', phone: '+41791234567' },
      });
      const text = composeSms(event, bySms({ language }), aPracticeSettings());
      expect(segmentsOf(text)).to.deep.equal({ segments: 2, encoding: 'GSM-7' });
      expect(text).to.include(
        `https://onlinetermine.praxis-muster.example/confirm?token=${event.data.confirmToken}&lang=${language}`,
      );
      expect(text).to.include('09:00');
      expect(text).to.include('Europe/Zurich');
    });
  }

  it('when any notice goes by SMS in any language, then it fits two segments in GSM-7', () => {
    const events = [
      aBookingHeldNotice(),
      aBookingConfirmedNotice(),
      aBookingChangedNotice(),
      aBookingCancelledEvent(),
      aBookingExpiredEvent(),
    ];
    const kinds = ['provisional-request', 'confirmation', 'change', 'cancellation', 'expiry'] as const;
    for (const language of ['de', 'fr', 'it', 'en'] as const) {
      events.forEach((event, i) => {
        const text = composeSms(event, bySms({ kind: kinds[i]!, language }), aPracticeSettings());
        expect(segmentsOf(text), `${kinds[i]} in ${language}: ${text}`).to.deep.include({ encoding: 'GSM-7' });
        expect(segmentsOf(text).segments, `${kinds[i]} in ${language}`).to.be.at.most(2);
      });
    }
  });

  it('when the practice cancels with a reason, then the SMS carries it, shortened only as far as two segments need', () => {
    const short = composeSms(
      aBookingCancelledByPracticeEvent('Praxis wegen Wasserschaden geschlossen'),
      bySms({ kind: 'cancellation', language: 'de' }),
      aPracticeSettings(),
    );
    expect(short).to.include('Wir mussten Ihren Termin am');
    expect(short).to.include('Grund: Praxis wegen Wasserschaden geschlossen.');
    const long = composeSms(
      aBookingCancelledByPracticeEvent(`Wasserschaden ${'und noch mehr Text '.repeat(20)}`),
      bySms({ kind: 'cancellation', language: 'en' }),
      aPracticeSettings(),
    );
    expect(segmentsOf(long)).to.deep.equal({ segments: 2, encoding: 'GSM-7' });
    expect(long).to.match(/Reason: Wasserschaden und noch mehr Text .*\.\.\.\. Questions\? Call /);
  });

  it('when the French text has letters outside GSM-7, then they become their plain look-alikes', () => {
    expect(toGsm7('Contrôle à l’hôpital – «ça»')).to.equal('Controle à l\'hopital - "ca"');
    expect(segmentsOf(toGsm7('Contrôle à l’hôpital')).encoding).to.equal('GSM-7');
  });

  it('when a name needs another script, then the text keeps it and is counted as UCS-2', () => {
    expect(toGsm7('Praxis Δρ. Ζήση')).to.equal('Praxis Δρ. Ζήση');
  });

  it('when the practice name is very long, then the zone goes, then the name is shortened, and the link stays whole', () => {
    const event = aBookingConfirmedNotice({ channel: 'sms' });
    const settings = aPracticeSettings({ practiceName: 'Gemeinschaftspraxis '.repeat(12).trim() });
    const text = composeSms(event, bySms({ kind: 'confirmation' }), settings);
    expect(segmentsOf(text).segments).to.be.at.most(2);
    expect(text).to.include(`/manage?token=${event.data.manageToken}`);
    expect(text).to.not.include('Zeitzone');
    expect(text).to.match(/^Gemeinschaftspraxis.*\.: Ihr Termin/);
  });
});
