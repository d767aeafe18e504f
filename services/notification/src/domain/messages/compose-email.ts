import type { Delivery, MessageEvent, NoticeKind } from '../notice.js';
import type { PracticeSettings } from '../practice-settings.js';
import type { EmailContent } from './email-content.js';
import { formatDate, formatInstant, formatSpan } from './local-time.js';
import { bookingLink, optOutLink, patientLink } from './site-links.js';
import { type Translation, fill, languageNames, translations } from './translations.js';

/** The sentences of one notice kind; which of the optional ones a kind has is up to its block. */
interface KindTexts {
  subject: string;
  intro: string;
  notYou: string;
  action?: string;
  changeRule?: string;
  rebook?: string;
}

const textsOf: Record<NoticeKind, (t: Translation) => KindTexts> = {
  'provisional-request': (t) => t.provisionalRequest,
  confirmation: (t) => t.confirmation,
  change: (t) => t.change,
  cancellation: (t) => t.cancellation,
  expiry: (t) => t.expiry,
  reminder: (t) => t.reminder,
};

/** The practice's reason when it cancelled the booking itself (staff wrote it for the patient). */
export function practiceReasonOf(event: MessageEvent): string | undefined {
  return event.type === 'booking.cancelled' && event.data.cancelledBy === 'practice' ? event.data.reason : undefined;
}

/** A cancel by the practice is told as such, with its reason; the patient's own as before. */
function kindTexts(event: MessageEvent, delivery: Delivery, t: Translation): KindTexts {
  if (event.type === 'booking.cancelled' && event.data.cancelledBy === 'practice') {
    const { questions, ...texts } = t.cancellationByPractice;
    return { ...texts, notYou: questions };
  }
  return textsOf[delivery.kind](t);
}

/**
 * The e-mail for one delivery of an event (N2–N4, expiry) or a reminder. Pure: the same event,
 * delivery and settings always give the same e-mail.
 */
export function composeEmail(event: MessageEvent, delivery: Delivery, settings: PracticeSettings): EmailContent {
  const t = translations[delivery.language];
  const texts = kindTexts(event, delivery, t);
  const { booking } = event.data;
  const locale = t.locale;
  const zone = booking.timeZone;
  const patientName = `${booking.patient.firstName} ${booking.patient.lastName}`;
  const values: Record<string, string> = {
    practiceName: settings.practiceName,
    phone: settings.phone,
    bookingUrl: bookingLink(settings, delivery.language),
    patientName,
    date: formatDate(booking.start, zone, locale),
    changeableUntil: formatInstant(booking.changeableUntil, zone, locale),
    deadline: booking.expiresAt ? formatInstant(booking.expiresAt, zone, locale) : '',
  };
  const typeName =
    booking.appointmentTypeName[delivery.language] ??
    booking.appointmentTypeName[settings.defaultLanguage] ??
    booking.appointmentTypeName.de;

  const details = [{ label: t.labels.when, value: formatSpan(booking.start, booking.end, zone, locale) }];
  const reason = practiceReasonOf(event);
  if (reason) details.push({ label: t.labels.reason, value: reason });
  if (event.type === 'notice.bookingChanged') {
    const { previous } = event.data;
    details.push({ label: t.labels.previous, value: formatSpan(previous.start, previous.end, zone, locale) });
  }
  details.push(
    { label: t.labels.type, value: typeName },
    { label: t.labels.practitioner, value: booking.practitionerName },
    { label: t.labels.practice, value: practiceLine(settings, ', ') },
  );
  if (event.type === 'notice.bookingHeld' && booking.expiresAt)
    details.push({ label: t.labels.deadline, value: values.deadline! });

  const isCopy = delivery.audience === 'staff';
  const link = isCopy ? undefined : patientLink(event, settings, delivery.language);
  const notes: string[] = [];
  if (texts.changeRule) notes.push(fill(texts.changeRule, values));
  if (texts.rebook) notes.push(fill(texts.rebook, values));
  if (isCopy && patientLink(event, settings, delivery.language)) notes.push(t.copy.linkRemoved);
  notes.push(fill(texts.notYou, values));

  const subject = fill(texts.subject, values);
  const content: EmailContent = {
    language: delivery.language,
    subject: isCopy ? `${t.copy.subjectPrefix} ${subject}` : subject,
    greeting: `${fill(t.greeting, values)},`,
    paragraphs: [fill(texts.intro, values)],
    details,
    notes,
    signature: fill(t.signature, values).split('\n'),
    footer: [fill(t.automated, values), practiceLine(settings, ' · ')],
  };
  if (isCopy) {
    content.banner = fill(t.copy.notice, {
      patientName,
      language: languageNames[booking.language],
    });
  }
  if (link && texts.action) content.action = { label: texts.action, url: link };
  if (event.type === 'reminder' && !isCopy) {
    content.secondaryAction = {
      label: t.reminder.optOut,
      url: optOutLink(settings, event.data.optOutToken, delivery.language),
    };
  }
  return content;
}

/** Name, address and phone, leaving out what the practice has not filled in. */
export function practiceLine(settings: PracticeSettings, separator: string): string {
  return [settings.practiceName, settings.address, settings.phone].filter((part) => part.trim()).join(separator);
}
