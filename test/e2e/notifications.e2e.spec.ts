import { createPool } from '@otk/db';
import { Broker } from '@otk/messaging';
import { createLogger } from '@otk/telemetry';
import { waitFor } from '@otk/test-kit';
import { expect } from 'chai';
import ICAL from 'ical.js';
import type { ParsedMail } from 'mailparser';
import { Registry } from 'prom-client';
import { updatePracticeSettings } from '../../services/notification/src/data-access/practice-settings.repository.js';
import { startDemoStack } from '../support/demo-stack.js';
import { type OfferedSlot, aHoldRequest, getJson, offeredSlots, postJson } from '../support/factories.js';
import type { Stack } from '../support/stack.js';

const siteUrl = 'https://onlinetermine.praxis-muster.example';
const staffAddress = 'empfang@praxis-muster.example';

/** The token of the first link to `${siteUrl}${path}` in the e-mail's HTML; the link names the e-mail's language. */
function tokenOfLink(mail: ParsedMail, path: '/confirm' | '/manage', language: string): string {
  const escaped = `${siteUrl}${path}`.replace(/[.?/]/g, '\\$&');
  const match = new RegExp(`href="${escaped}\\?token=([\\w-]+)&#38;lang=${language}"`).exec(String(mail.html));
  if (!match) throw new Error(`no ${path} link in ${language} in the e-mail`);
  return match[1]!;
}

function calendarOf(mail: ParsedMail): { method: string; uid: string; sequence: number } {
  const file = mail.attachments.find((a) => a.filename?.endsWith('.ics'));
  if (!file) throw new Error('the e-mail has no .ics attachment');
  const calendar = new ICAL.Component(ICAL.parse(file.content.toString('utf8')));
  const event = new ICAL.Event(calendar.getFirstSubcomponent('vevent')!);
  return { method: String(calendar.getFirstPropertyValue('method')), uid: event.uid, sequence: event.sequence };
}

describe('notifications on the real stack: the links in the messages drive the booking API', function () {
  this.timeout(120000);
  let stack: Stack;
  let slots: OfferedSlot[];

  before(async () => {
    stack = await startDemoStack();
    const pool = createPool({ connectionString: stack.env.DATABASE_URL!, applicationName: 'test' });
    try {
      await updatePracticeSettings(pool, {
        practiceName: 'Zahnarztpraxis Dr. Muster',
        siteUrl,
        staffCopies: true,
        staffAddresses: [staffAddress],
      });
    } finally {
      await pool.end();
    }
    slots = await offeredSlots(stack.gatewayUrl, { appointmentType: 'checkup', practitioner: 'dr-muster' });
  });
  after(async () => {
    await stack?.stop();
  });

  const mailsTo = (address: string) => stack.smtp.messages.filter((m) => JSON.stringify(m.to ?? '').includes(address));
  const nthMailTo = (address: string, n: number, what: string) =>
    waitFor(() => mailsTo(address)[n], { what, timeoutMs: 30000 });

  it('when a patient requests, confirms, changes and cancels through the links, then each e-mail arrives in French with its calendar file, and staff copies carry no token', async () => {
    // Far enough ahead to be still cancellable online (A3).
    const slot = slots.find((s) => Date.parse(s.start) > Date.now() + 3 * 86400_000);
    const request = aHoldRequest(slot, { language: 'fr' });
    const email = request.patient.email;
    const held = await postJson(`${stack.gatewayUrl}/api/v1/holds`, request);
    expect(held.status).to.equal(201);

    const requestMail = await nthMailTo(email, 0, 'the provisional-request e-mail');
    expect(requestMail.subject).to.equal(
      'Veuillez confirmer votre demande de rendez-vous chez Zahnarztpraxis Dr. Muster',
    );
    expect(requestMail.text).to.match(/\(heure (normale|avancée) d’Europe centrale\)/);
    const confirmToken = tokenOfLink(requestMail, '/confirm', 'fr');

    const confirmed = await postJson(`${stack.gatewayUrl}/api/v1/bookings/confirm`, { token: confirmToken });
    expect(confirmed.status, JSON.stringify(confirmed.body)).to.equal(200);

    const confirmation = await nthMailTo(email, 1, 'the confirmation e-mail');
    expect(confirmation.subject).to.match(/^Votre rendez-vous est confirmé : /);
    const manageToken = tokenOfLink(confirmation, '/manage', 'fr');
    const uid = `booking-${String(held.body.bookingId)}@onlinetermine.praxis-muster.example`;
    expect(calendarOf(confirmation)).to.deep.equal({ method: 'REQUEST', uid, sequence: 0 });

    const later = slots.find((s) => Date.parse(s.start) > Date.parse(slot!.start) + 86400_000)!;
    const changed = await postJson(`${stack.gatewayUrl}/api/v1/bookings/change`, {
      token: manageToken,
      start: later.start,
    });
    expect(changed.status, JSON.stringify(changed.body)).to.equal(200);
    const change = await nthMailTo(email, 2, 'the change e-mail');
    expect(change.subject).to.match(/^Votre rendez-vous a été modifié : /);
    expect(calendarOf(change)).to.deep.equal({ method: 'REQUEST', uid, sequence: 1 });
    const manageTokenAfterChange = tokenOfLink(change, '/manage', 'fr');

    const cancelled = await postJson(`${stack.gatewayUrl}/api/v1/bookings/cancel`, { token: manageTokenAfterChange });
    expect(cancelled.status, JSON.stringify(cancelled.body)).to.equal(200);
    const cancellation = await nthMailTo(email, 3, 'the cancellation e-mail');
    expect(cancellation.subject).to.match(/^Votre rendez-vous a été annulé : /);
    expect(calendarOf(cancellation)).to.deep.equal({ method: 'CANCEL', uid, sequence: 2 });

    const copies = await waitFor(() => (mailsTo(staffAddress).length >= 3 ? mailsTo(staffAddress) : undefined), {
      what: 'the staff copies of the confirmation, the change and the cancellation',
      timeoutMs: 30000,
    });
    expect(copies.map((m) => m.subject?.slice(0, 7))).to.deep.equal(['[Kopie]', '[Kopie]', '[Kopie]']);
    const tokens = [confirmToken, manageToken, manageTokenAfterChange];
    for (const copy of copies) {
      for (const token of tokens) expect(`${copy.text}${String(copy.html)}`).to.not.include(token);
    }

    // What notification logged names events and kinds, never the patient or a token.
    const logged = JSON.stringify(stack.services.notification.logs);
    for (const secret of [email, 'Beispiel', ...tokens]) expect(logged).to.not.include(secret);
    const metrics = await (await fetch(`${stack.services.notification.managementUrl}/metrics`)).text();
    expect(metrics).to.match(/notifications_sent_total\{[^}]*kind="confirmation"[^}]*\} 1/);
    expect(metrics).to.not.include(email);
  });

  it('when a reminder asks hold-manager for a manage link, then the fresh token opens the booking; an unknown opt-out link is TOKEN_INVALID', async () => {
    const slot = slots.at(-1);
    const request = aHoldRequest(slot);
    const held = await postJson(`${stack.gatewayUrl}/api/v1/holds`, request);
    expect(held.status).to.equal(201);
    const requestMail = await nthMailTo(request.patient.email, 0, 'the provisional-request e-mail');
    const confirmed = await postJson(`${stack.gatewayUrl}/api/v1/bookings/confirm`, {
      token: tokenOfLink(requestMail, '/confirm', 'de'),
    });
    expect(confirmed.status).to.equal(200);

    // The command notification's reminder sender sends, on the stack's broker.
    const broker = new Broker({
      url: stack.env.AMQP_URL!,
      service: 'test',
      logger: createLogger('test', 'silent'),
      registry: new Registry(),
    });
    try {
      await broker.waitUntilConnected();
      const bookingId = String(held.body.bookingId);
      const link = await broker.call('booking.issueManageToken', { bookingId });
      expect(link.status).to.equal('confirmed');
      expect(Date.parse(link.start)).to.equal(Date.parse(slot!.start));
      const view = await getJson(
        `${stack.gatewayUrl}/api/v1/bookings/manage?token=${encodeURIComponent(link.manageToken!)}`,
      );
      expect(view.status).to.equal(200);
      expect(view.body).to.include({ bookingId, status: 'confirmed' });
    } finally {
      await broker.close();
    }

    const unknown = await postJson(`${stack.gatewayUrl}/api/v1/reminders/opt-out`, { token: 'x'.repeat(22) });
    expect(unknown.status).to.equal(404);
    expect(unknown.body.code).to.equal('TOKEN_INVALID');
    const malformed = await postJson(`${stack.gatewayUrl}/api/v1/reminders/opt-out`, { token: 'short' });
    expect(malformed.status).to.equal(400);
    expect(malformed.body.code).to.equal('VALIDATION_FAILED');
  });
});
