import { generateKeyPairSync } from 'node:crypto';
import type { Language } from '@otk/contracts';
import {
  aBookingCancelledEvent,
  aBookingChangedNotice,
  aBookingConfirmedNotice,
  aBookingExpiredEvent,
  aBookingHeldNotice,
  aBookingSnapshot,
  waitFor,
} from '@otk/test-kit';
import { expect } from 'chai';
import {
  type NotificationHarness,
  aPatient,
  counterValue,
  startNotificationHarness,
} from './support/notification-harness.js';
import { calendarOf } from './support/calendar-file.js';

const siteUrl = 'https://onlinetermine.praxis-muster.example';

describe('notification e-mail on the real broker, database and SMTP server', function () {
  this.timeout(60000);
  let harness: NotificationHarness;

  before(async () => {
    const { privateKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    harness = await startNotificationHarness({ DKIM_PRIVATE_KEY: privateKey });
  });
  after(async () => {
    await harness?.stop();
  });
  beforeEach(async () => {
    await harness.useSettings();
  });

  const oneMailTo = (address: string, what: string) =>
    waitFor(() => harness.mailsTo(address)[0], { what, timeoutMs: 15000 });

  const subjects: Record<Language, RegExp> = {
    de: /^Bitte bestätigen Sie Ihre Terminanfrage bei Zahnarztpraxis Dr\. Muster$/,
    fr: /^Veuillez confirmer votre demande de rendez-vous chez Zahnarztpraxis Dr\. Muster$/,
    it: /^Confermate la vostra richiesta di appuntamento presso Zahnarztpraxis Dr\. Muster$/,
    en: /^Please confirm your appointment request with Zahnarztpraxis Dr\. Muster$/,
  };
  const zoneNames: Record<Language, string> = {
    de: 'Mitteleuropäische Normalzeit',
    fr: 'heure normale d’Europe centrale',
    it: 'Ora standard dell’Europa centrale',
    en: 'Central European Standard Time',
  };

  for (const language of ['de', 'fr', 'it', 'en'] as const) {
    it(`when a hold in ${language} is published, then the patient gets the request in ${language} with the confirm link of the event and local times`, async () => {
      const patient = aPatient();
      const event = aBookingHeldNotice({ language, patient });
      await harness.publish(event);

      const mail = await oneMailTo(patient.email, 'the provisional-request e-mail');
      expect(mail.to && 'text' in mail.to ? mail.to.text : '').to.equal(patient.email);
      expect(mail.from?.text).to.equal('"Zahnarztpraxis Dr. Muster" <termine@praxis-muster.example>');
      expect(mail.subject).to.match(subjects[language]);
      const link = `${siteUrl}/confirm?token=${event.data.confirmToken}&lang=${language}`;
      expect(mail.text).to.include(link);
      expect(mail.html).to.include(`href="${link.replace('&', '&#38;')}"`);
      expect(mail.text).to.include(`09:00–09:30 (${zoneNames[language]})`);
      expect(mail.text).to.not.match(/\b08:00\b|UTC|GMT/);
      expect(mail.html).to.include(`<html lang="${language}">`);
      expect(mail.attachments.filter((a) => a.filename?.endsWith('.ics'))).to.have.length(0);
    });
  }

  it('when a booking is confirmed, changed and cancelled, then each e-mail carries the .ics with one UID, rising SEQUENCE and the right METHOD', async () => {
    const patient = aPatient();
    const booking = aBookingSnapshot({ patient, language: 'de' });
    const confirmed = aBookingConfirmedNotice(booking);
    await harness.publish(confirmed);
    const confirmation = await oneMailTo(patient.email, 'the confirmation');
    expect(confirmation.subject).to.equal('Ihr Termin ist bestätigt: Montag, 7. Januar 2030');
    expect(confirmation.text).to.include(`${siteUrl}/manage?token=${confirmed.data.manageToken}&lang=de`);

    const moved = { start: '2030-01-08T13:00:00.000Z', end: '2030-01-08T13:30:00.000Z' };
    const changed = aBookingChangedNotice({ ...booking, ...moved }, { start: booking.start, end: booking.end });
    await harness.publish(changed);
    await waitFor(() => (harness.mailsTo(patient.email).length === 2 ? true : undefined), { what: 'the change' });
    const change = harness.mailsTo(patient.email)[1]!;
    expect(change.text).to.include('Dienstag, 8. Januar 2030, 14:00–14:30 (Mitteleuropäische Normalzeit)');
    expect(change.text).to.include(`/manage?token=${changed.data.manageToken}`);

    await harness.publish(aBookingCancelledEvent({ ...booking, ...moved }));
    await waitFor(() => (harness.mailsTo(patient.email).length === 3 ? true : undefined), { what: 'the cancellation' });
    const cancellation = harness.mailsTo(patient.email)[2]!;
    expect(cancellation.subject).to.equal('Ihr Termin wurde abgesagt: Dienstag, 8. Januar 2030');
    expect(cancellation.text).to.not.include('token=');

    const uid = `booking-${booking.bookingId}@onlinetermine.praxis-muster.example`;
    expect(calendarOf(confirmation)).to.deep.equal({ method: 'REQUEST', uid, sequence: 0, start: booking.start });
    expect(calendarOf(change)).to.deep.equal({ method: 'REQUEST', uid, sequence: 1, start: moved.start });
    expect(calendarOf(cancellation)).to.deep.include({ method: 'CANCEL', uid, sequence: 2 });
  });

  it('when a request expires, then the patient is told the slot was released, without a calendar file', async () => {
    const patient = aPatient();
    await harness.publish(aBookingExpiredEvent({ patient, language: 'it' }));
    const mail = await oneMailTo(patient.email, 'the expiry notice');
    expect(mail.subject).to.equal('La vostra richiesta di appuntamento è scaduta');
    expect(mail.text).to.include('liberato');
    expect(mail.attachments).to.have.length(0);
  });

  it('when the same event is delivered twice, then each recipient gets exactly one e-mail', async () => {
    await harness.useSettings({ staffCopies: true, staffAddresses: ['empfang@praxis-muster.example'] });
    const patient = aPatient();
    const event = aBookingConfirmedNotice({ patient });
    const staffBefore = harness.mailsTo('empfang@praxis-muster.example').length;
    await harness.publish(event);
    await oneMailTo(patient.email, 'the confirmation');
    await harness.publish(event);
    // A marker event published after the duplicate: once it is handled, the duplicate has been too.
    const marker = aPatient();
    await harness.publish(aBookingHeldNotice({ patient: marker }));
    await oneMailTo(marker.email, 'the marker e-mail');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(harness.mailsTo(patient.email)).to.have.length(1);
    expect(harness.mailsTo('empfang@praxis-muster.example')).to.have.length(staffBefore + 1);
  });

  it('when staff copies are on, then every internal address gets a marked copy without the patient token', async () => {
    const staff = ['empfang@praxis-muster.example', 'chefin@praxis-muster.example'];
    await harness.useSettings({ staffCopies: true, staffAddresses: staff });
    const patient = aPatient();
    const booking = aBookingSnapshot({ patient, language: 'fr' });
    const before = staff.map((a) => harness.mailsTo(a).length);
    const events = [aBookingConfirmedNotice(booking), aBookingChangedNotice(booking), aBookingCancelledEvent(booking)];
    for (const event of events) await harness.publish(event);
    await waitFor(() => (staff.every((a, i) => harness.mailsTo(a).length === before[i]! + 3) ? true : undefined), {
      what: 'three copies for each staff address',
      timeoutMs: 15000,
    });
    const tokens = [events[0]!, events[1]!].map((e) => ('manageToken' in e.data ? e.data.manageToken : ''));
    for (const address of staff) {
      const copies = harness.mailsTo(address).slice(-3);
      expect(copies.map((m) => m.subject?.slice(0, 7))).to.deep.equal(['[Kopie]', '[Kopie]', '[Kopie]']);
      for (const copy of copies) {
        expect(copy.text).to.include('Anna Beispiel (Français)');
        for (const token of tokens) {
          expect(copy.text).to.not.include(token);
          expect(copy.html).to.not.include(token);
        }
        expect(copy.text).to.not.match(/token=/);
        expect(copy.attachments).to.have.length(0);
      }
    }
    await waitFor(() => (harness.mailsTo(patient.email).length === 3 ? true : undefined), {
      what: 'the patient e-mails',
    });
  });

  it('when staff copies are off, then no copy goes to the internal addresses', async () => {
    await harness.useSettings({ staffCopies: false, staffAddresses: ['aus@praxis-muster.example'] });
    const patient = aPatient();
    await harness.publish(aBookingConfirmedNotice({ patient }));
    await oneMailTo(patient.email, 'the confirmation');
    const marker = aPatient();
    await harness.publish(aBookingConfirmedNotice({ patient: marker }));
    await oneMailTo(marker.email, 'the marker e-mail');
    expect(harness.mailsTo('aus@praxis-muster.example')).to.have.length(0);
  });

  it('when a send succeeds, then notifications_sent_total counts it by channel, kind and audience, with no personal data in labels', async () => {
    const labels = { channel: 'email', kind: 'expiry', audience: 'patient' };
    const before = counterValue(await harness.metrics(), 'notifications_sent_total', labels);
    const patient = aPatient();
    await harness.publish(aBookingExpiredEvent({ patient }));
    await oneMailTo(patient.email, 'the expiry notice');
    const text = await waitFor(
      async () => {
        const t = await harness.metrics();
        return counterValue(t, 'notifications_sent_total', labels) === before + 1 ? t : undefined;
      },
      { what: 'the sent counter' },
    );
    expect(text).to.not.include(patient.email);
    expect(text).to.not.include('example.org');
    expect(counterValue(text, 'notification_handoff_seconds_count', { channel: 'email', kind: 'expiry' })).to.equal(
      counterValue(text, 'notifications_sent_total', { ...labels, audience: 'patient' }),
    );
  });

  it('when the practice configured DKIM, then its e-mail is signed for its domain and selector; otherwise not', async () => {
    const unsigned = aPatient();
    await harness.publish(aBookingExpiredEvent({ patient: unsigned }));
    expect((await oneMailTo(unsigned.email, 'the unsigned e-mail')).headers.has('dkim-signature')).to.equal(false);

    await harness.useSettings({ dkim: { domain: 'praxis-muster.example', selector: 'otk2030' } });
    const signed = aPatient();
    await harness.publish(aBookingExpiredEvent({ patient: signed }));
    const mail = await oneMailTo(signed.email, 'the signed e-mail');
    const signature = mail.headerLines.find((h) => h.key === 'dkim-signature')?.line ?? '';
    expect(signature).to.match(/\bd=praxis-muster\.example\b/);
    expect(signature).to.match(/\bs=otk2030\b/);
  });
});
