import { createHash } from 'node:crypto';
import { calendarInvitation, type CalendarInvitation } from './calendar-invitation.js';
import { composeEmail } from './messages/compose-email.js';
import { renderHtml, renderText } from './messages/email-layout.js';
import type { EmailContent } from './messages/email-content.js';
import type { Delivery, MessageEvent, MessageKind } from './notice.js';
import type { PracticeSettings } from './practice-settings.js';

/** An e-mail ready for the mail server: what the mailer sends and the examples in docs/ show. */
export interface OutgoingEmail {
  /** The same for every attempt at this message (see `messageIdFor`). */
  messageId: string;
  from: { name: string; address: string };
  to: string;
  subject: string;
  text: string;
  html: string;
  calendar?: CalendarInvitation;
  /** Signs with `DKIM_PRIVATE_KEY` when set and the practice configured a domain and selector. */
  dkim: { domain: string; selector: string } | null;
}

/**
 * The calendar method the patient's e-mail carries: confirmation, change and reminder invite
 * (REQUEST), cancellation removes (CANCEL). Staff copies carry none: the practice calendar is the
 * practice system's.
 */
export function calendarMethodFor(event: MessageEvent, delivery: Delivery): 'REQUEST' | 'CANCEL' | undefined {
  if (delivery.audience !== 'patient' || delivery.channel !== 'email') return undefined;
  if (event.type === 'notice.bookingConfirmed' || event.type === 'notice.bookingChanged') return 'REQUEST';
  // A reminder brings the calendar entry up to date, in case an earlier file never arrived.
  if (event.type === 'reminder') return 'REQUEST';
  if (event.type === 'booking.cancelled') return 'CANCEL';
  return undefined;
}

/**
 * The Message-ID of one message (event, kind, recipient), the same on every attempt. Should a
 * message go out twice — the mail server took it, then the worker died before recording that —
 * the copies carry one Message-ID, so mail systems that deduplicate by it show the patient one.
 * The recipient appears only hashed: the header travels through every relay.
 */
export function messageIdFor(
  eventId: string,
  delivery: Pick<Delivery<MessageKind>, 'kind' | 'recipient'>,
  senderAddress: string,
): string {
  const recipient = createHash('sha256').update(delivery.recipient).digest('hex').slice(0, 16);
  const domain = senderAddress.split('@').at(-1) || 'localhost';
  return `<${eventId}.${delivery.kind}.${recipient}@${domain}>`;
}

/**
 * The whole e-mail for one delivery: HTML and text from one content, and the calendar file with
 * `calendarSequence` when `calendarMethodFor` asks for one.
 */
export function composeOutgoingEmail(
  event: MessageEvent,
  delivery: Delivery,
  settings: PracticeSettings,
  calendarSequence: number | undefined,
): OutgoingEmail {
  const method = calendarMethodFor(event, delivery);
  const email = outgoingEmailOf(composeEmail(event, delivery, settings), event.id, delivery, settings);
  if (method && calendarSequence !== undefined) {
    email.calendar = calendarInvitation({
      booking: event.data.booking,
      method,
      sequence: calendarSequence,
      stamp: event.occurredAt,
      patientEmail: delivery.recipient,
      language: delivery.language,
      settings,
    });
  }
  return email;
}

/** An e-mail's content rendered as HTML and text, addressed and signed as the practice sends it. */
export function outgoingEmailOf(
  content: EmailContent,
  eventId: string,
  delivery: Pick<Delivery<MessageKind>, 'kind' | 'recipient'>,
  settings: PracticeSettings,
): OutgoingEmail {
  return {
    messageId: messageIdFor(eventId, delivery, settings.senderAddress),
    from: { name: settings.senderName, address: settings.senderAddress },
    to: delivery.recipient,
    subject: content.subject,
    text: renderText(content),
    html: renderHtml(content),
    dkim: settings.dkim,
  };
}
