import nodemailer from 'nodemailer';
import type Mail from 'nodemailer/lib/mailer/index.js';
import { DeliveryError } from '../domain/delivery-error.js';
import type { OutgoingEmail } from '../domain/outgoing-email.js';
import type { Mailer } from '../domain/ports.js';

/**
 * E-mail over SMTP with nodemailer; `SMTP_URL` carries host, port, credentials and TLS mode.
 * Timeouts are short so that a hanging server turns into a retry instead of a stuck consumer, and
 * together (25 s at most) stay below the claim lease of the message log.
 */
export function createMailer(smtpUrl: string, options: { dkimPrivateKey?: string | undefined } = {}): Mailer {
  const transport = nodemailer.createTransport({
    url: smtpUrl,
    connectionTimeout: 5000,
    greetingTimeout: 5000,
    socketTimeout: 15000,
  });
  return {
    async send(email) {
      try {
        const info = await transport.sendMail(mailOptions(email, options.dkimPrivateKey));
        return { messageId: String(info.messageId) };
      } catch (error) {
        throw smtpDeliveryError(error);
      }
    },
    close: () => transport.close(),
  };
}

/**
 * The message as nodemailer builds it: a multipart/alternative of text and HTML and, with a
 * calendar file, the iTIP part (`text/calendar; method=…`) that mail clients offer to add to the
 * calendar, plus the same file as an `.ics` attachment.
 */
export function mailOptions(email: OutgoingEmail, dkimPrivateKey?: string): Mail.Options {
  return {
    messageId: email.messageId,
    from: email.from,
    to: email.to,
    subject: email.subject,
    text: email.text,
    html: email.html,
    ...(email.calendar
      ? {
          icalEvent: {
            method: email.calendar.method,
            filename: email.calendar.filename,
            content: email.calendar.content,
          },
        }
      : {}),
    ...(email.dkim && dkimPrivateKey
      ? { dkim: { domainName: email.dkim.domain, keySelector: email.dkim.selector, privateKey: dkimPrivateKey } }
      : {}),
  };
}

/**
 * A 5xx reply refuses this message for good (unknown mailbox, invalid address, message refused);
 * 4xx replies and connection problems are temporary. A failed login (EAUTH) is a configuration
 * fault, not the message's: it is retried, and parked in the dead-letter queue for replay once
 * the credentials are fixed.
 */
export function smtpDeliveryError(error: unknown): DeliveryError {
  const e = (error ?? {}) as { code?: unknown; responseCode?: unknown; message?: unknown };
  const code = typeof e.code === 'string' ? e.code : 'UNKNOWN';
  const responseCode = typeof e.responseCode === 'number' ? e.responseCode : undefined;
  const permanent =
    code !== 'EAUTH' &&
    ((responseCode !== undefined && responseCode >= 500) || (code === 'EENVELOPE' && !responseCode));
  return new DeliveryError(
    `SMTP ${code}${responseCode ? ` ${responseCode}` : ''}`,
    permanent,
    typeof e.message === 'string' ? e.message : String(error),
  );
}
