import type { Language } from '@otk/contracts';
import { aBookingConfirmedNotice, aBookingHeldNotice } from '@otk/test-kit';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { mailOptions } from '../../src/data-access/mailer.js';
import { type MessageEvent, noticeKindOf } from '../../src/domain/notice.js';
import { composeOutgoingEmail } from '../../src/domain/outgoing-email.js';
import { aPracticeSettings } from '../practice-settings.factory.js';

/** Where the reviewed examples live, relative to the repository root. */
export const examplesDir = new URL('../../../../docs/examples/', import.meta.url);

/** Fixed ids, tokens and times, so that the same code always writes the same files. */
function fixed<E extends MessageEvent>(event: E, id: string): E {
  return { ...event, id, occurredAt: '2029-12-02T10:00:00.000Z' };
}

const booking = {
  bookingId: '3f2b8c1d-5e6a-4b7c-9d8e-1f2a3b4c5d6e',
  start: '2030-01-07T08:00:00.000Z',
  end: '2030-01-07T08:30:00.000Z',
  expiresAt: '2029-12-02T10:15:00.000Z',
  changeableUntil: '2030-01-06T08:00:00.000Z',
  patient: { firstName: 'Anna', lastName: 'Beispiel', email: 'anna.beispiel@example.org' },
};

function examples(language: Language): { file: string; event: MessageEvent; sequence?: number }[] {
  const held = aBookingHeldNotice({ ...booking, language });
  held.data.confirmToken = 'EXAMPLE-confirm-token-not-valid-anywhere';
  const confirmed = aBookingConfirmedNotice({ ...booking, language });
  confirmed.data.manageToken = 'EXAMPLE-manage-token-not-valid-anywhere';
  return [
    { file: `provisional-request.${language}.eml`, event: fixed(held, '7d0f4c1e-2b3a-4c5d-8e9f-0a1b2c3d4e01') },
    {
      file: `confirmation.${language}.eml`,
      event: fixed(confirmed, '7d0f4c1e-2b3a-4c5d-8e9f-0a1b2c3d4e02'),
      sequence: 0,
    },
    {
      file: `reminder.${language}.eml`,
      event: {
        id: '7d0f4c1e-2b3a-4c5d-8e9f-0a1b2c3d4e03',
        type: 'reminder',
        occurredAt: '2030-01-05T08:00:00.000Z',
        data: {
          booking: confirmed.data.booking,
          manageToken: 'EXAMPLE-manage-token-not-valid-anywhere',
          optOutToken: 'EXAMPLE-opt-out-token',
        },
      },
      sequence: 1,
    },
  ];
}

/** The German and French example e-mails as the mail server receives them (RFC 5322 text). */
export async function renderExampleEmails(): Promise<Map<string, string>> {
  const settings = aPracticeSettings();
  const out = new Map<string, string>();
  for (const language of ['de', 'fr'] as const) {
    for (const { file, event, sequence } of examples(language)) {
      const kind = noticeKindOf(event.type);
      const email = composeOutgoingEmail(
        event,
        { kind, audience: 'patient', channel: 'email', recipient: booking.patient.email, language },
        settings,
        sequence,
      );
      const composer = new MailComposer({
        ...mailOptions(email),
        messageId: `<example-${file.replace(/\.eml$/, '')}@praxis-muster.example>`,
        date: new Date('2029-12-02T10:00:05.000Z'),
        baseBoundary: 'otk-example',
      });
      const message = await new Promise<Buffer>((resolve, reject) =>
        composer.compile().build((error, built) => (error ? reject(error) : resolve(built))),
      );
      out.set(file, message.toString('utf8'));
    }
  }
  return out;
}
