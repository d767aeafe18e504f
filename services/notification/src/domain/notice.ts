import type { BookingSnapshot, Channel, EventOf, EventType, Language } from '@otk/contracts';
import type { PracticeSettings } from './practice-settings.js';

/**
 * The booking events a message is written for (booking.withdrawn has none: the patient ended it
 * on the site). Those that give the patient a link come as notices, which carry the link's token.
 */
export const noticeEventTypes = [
  'notice.bookingHeld',
  'notice.bookingConfirmed',
  'notice.bookingChanged',
  'booking.cancelled',
  'booking.expired',
] as const satisfies readonly EventType[];
export type NoticeEvent = EventOf<(typeof noticeEventTypes)[number]>;

/**
 * A reminder that came due (ADR 35): written like a notice, with a fresh manage token and the
 * token of its opt-out link. Its id is the reminder's, so the message log sends it once.
 */
export interface ReminderNotice {
  id: string;
  type: 'reminder';
  /** When the reminder was due. */
  occurredAt: string;
  data: { booking: BookingSnapshot; manageToken: string; optOutToken: string };
}

/** Everything a message is written for. */
export type MessageEvent = NoticeEvent | ReminderNotice;

/** What a message tells. One per booking event that the patient hears about, and reminders. */
export const noticeKinds = [
  'provisional-request',
  'confirmation',
  'change',
  'cancellation',
  'expiry',
  'reminder',
] as const;
export type NoticeKind = (typeof noticeKinds)[number];
export const audiences = ['patient', 'staff'] as const;
export type Audience = (typeof audiences)[number];

/** What a waiting-list message tells (ADR 26): confirm the place, you are on the list, a slot is offered. */
export const waitlistMessageKinds = ['waitlist-confirm-request', 'waitlist-on-list', 'waitlist-offer'] as const;
export type WaitlistMessageKind = (typeof waitlistMessageKinds)[number];
export type MessageKind = NoticeKind | WaitlistMessageKind;
export const messageKinds: readonly MessageKind[] = [...noticeKinds, ...waitlistMessageKinds];

/** One message owed for an event; the message log keys it by (event id, recipient, kind). */
export interface Delivery<K extends MessageKind = NoticeKind> {
  kind: K;
  audience: Audience;
  channel: Channel;
  recipient: string;
  language: Language;
}

const kindOfEvent: Record<MessageEvent['type'], NoticeKind> = {
  'notice.bookingHeld': 'provisional-request',
  'notice.bookingConfirmed': 'confirmation',
  'notice.bookingChanged': 'change',
  'booking.cancelled': 'cancellation',
  'booking.expired': 'expiry',
  reminder: 'reminder',
};

/** Staff copies cover what changes the practice calendar (N6), not requests that may never be confirmed. */
const copiedKinds: ReadonlySet<NoticeKind> = new Set(['confirmation', 'change', 'cancellation']);

export function noticeKindOf(type: MessageEvent['type']): NoticeKind {
  return kindOfEvent[type];
}

/** The patient's language if the practice writes in it, else the practice's default. */
export function languageFor(requested: Language, settings: PracticeSettings): Language {
  return settings.languages.includes(requested) ? requested : settings.defaultLanguage;
}

/**
 * Who hears about an event, and how. SMS goes only when the practice enabled it, a provider is
 * configured, and the patient chose SMS and gave a number; otherwise e-mail, when there is an
 * address. Staff copies always go by e-mail, in the practice's default language.
 */
export function planDeliveries(event: NoticeEvent, settings: PracticeSettings, smsAvailable: boolean): Delivery[] {
  const kind = noticeKindOf(event.type);
  const { booking } = event.data;
  const deliveries: Delivery[] = patientDelivery(kind, booking, settings, smsAvailable);
  const { email } = booking.patient;
  if (settings.staffCopies && copiedKinds.has(kind)) {
    // A staff member booking for themselves already has the original; the log key would collide anyway.
    const patientAddress = email?.trim().toLowerCase();
    for (const address of new Set(settings.staffAddresses.map((a) => a.trim().toLowerCase()))) {
      if (address && address !== patientAddress) {
        deliveries.push({
          kind,
          audience: 'staff',
          channel: 'email',
          recipient: address,
          language: settings.defaultLanguage,
        });
      }
    }
  }
  return deliveries;
}

/**
 * The patient's message, if they can be reached: by SMS only when the practice enabled it, a
 * provider is configured, and the patient chose SMS and gave a number; otherwise by e-mail, when
 * there is an address.
 */
export function patientDelivery<K extends MessageKind>(
  kind: K,
  request: {
    channel: Channel;
    language: Language;
    patient: { email?: string | undefined; phone?: string | undefined };
  },
  settings: PracticeSettings,
  smsAvailable: boolean,
): Delivery<K>[] {
  const language = languageFor(request.language, settings);
  const { email, phone } = request.patient;
  if (request.channel === 'sms' && phone && settings.smsEnabled && smsAvailable) {
    return [{ kind, audience: 'patient', channel: 'sms', recipient: phone, language }];
  }
  return email ? [{ kind, audience: 'patient', channel: 'email', recipient: email, language }] : [];
}
