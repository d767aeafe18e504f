import type { EventOf, Language, LocalizedText } from '@otk/contracts';
import type { Delivery, WaitlistMessageKind } from '../notice.js';
import type { PracticeSettings } from '../practice-settings.js';
import { practiceLine } from './compose-email.js';
import type { EmailContent } from './email-content.js';
import { formatCompact, formatDate, formatInstant, formatSpan } from './local-time.js';
import { type WaitlistPage, waitlistLink } from './site-links.js';
import { MAX_SMS_SEGMENTS, segmentsOf, toGsm7 } from './sms-text.js';
import { type Translation, fill, translations } from './translations.js';

/** The waiting list's notices, which notification writes messages from (ADR 26). */
export const waitlistNoticeTypes = [
  'notice.waitlistJoined',
  'notice.waitlistConfirmed',
  'notice.waitlistOffered',
] as const;
export type WaitlistNotice = EventOf<(typeof waitlistNoticeTypes)[number]>;

const kindOfNotice: Record<WaitlistNotice['type'], WaitlistMessageKind> = {
  'notice.waitlistJoined': 'waitlist-confirm-request',
  'notice.waitlistConfirmed': 'waitlist-on-list',
  'notice.waitlistOffered': 'waitlist-offer',
};

export function waitlistKindOf(type: WaitlistNotice['type']): WaitlistMessageKind {
  return kindOfNotice[type];
}

/** The message's main link (confirm the place, or take the offer) and the link to leave the list. */
function linksOf(
  notice: WaitlistNotice,
  settings: PracticeSettings,
  language: Language,
): { action: string; leave?: string } {
  const siteLink = (path: WaitlistPage, token: string) => waitlistLink(settings, path, token, language);
  switch (notice.type) {
    case 'notice.waitlistJoined':
      return { action: siteLink('/waitlist/confirm', notice.data.confirmToken) };
    case 'notice.waitlistConfirmed':
      return { action: siteLink('/waitlist/leave', notice.data.leaveToken) };
    case 'notice.waitlistOffered':
      return {
        action: siteLink('/waitlist/offer', notice.data.offerToken),
        leave: siteLink('/waitlist/leave', notice.data.leaveToken),
      };
  }
}

function textsOf(t: Translation, kind: WaitlistMessageKind) {
  switch (kind) {
    case 'waitlist-confirm-request':
      return t.waitlist.confirmRequest;
    case 'waitlist-on-list':
      return t.waitlist.onList;
    case 'waitlist-offer':
      return t.waitlist.offer;
  }
}

/** "Montag, 7. Dezember 2026": a day of the practice, written in the patient's language. */
function formatDay(day: string, locale: string): string {
  return formatDate(`${day}T00:00:00Z`, 'UTC', locale);
}

function valuesOf(notice: WaitlistNotice, settings: PracticeSettings, t: Translation): Record<string, string> {
  const { entry } = notice.data;
  return {
    practiceName: settings.practiceName,
    phone: settings.phone,
    patientName: `${entry.patient.firstName} ${entry.patient.lastName}`,
    firstDay: formatDay(entry.firstDay, t.locale),
    lastDay: formatDay(entry.lastDay, t.locale),
    deadline:
      notice.type === 'notice.waitlistJoined' ? formatInstant(notice.data.confirmBy, entry.timeZone, t.locale) : '',
  };
}

/** A name in the patient's language, else the practice's, else German (always there). */
function nameIn(names: LocalizedText, language: Language, settings: PracticeSettings): string {
  return names[language] ?? names[settings.defaultLanguage] ?? names.de;
}

/** The e-mail of one waiting-list notice. Pure: the same notice, delivery and settings give the same e-mail. */
export function composeWaitlistEmail(
  notice: WaitlistNotice,
  delivery: Delivery<WaitlistMessageKind>,
  settings: PracticeSettings,
): EmailContent {
  const t = translations[delivery.language];
  const texts = textsOf(t, delivery.kind);
  const values = valuesOf(notice, settings, t);
  const { entry } = notice.data;
  const links = linksOf(notice, settings, delivery.language);
  const details =
    notice.type === 'notice.waitlistOffered'
      ? [
          {
            label: t.labels.when,
            value: formatSpan(notice.data.offer.start, notice.data.offer.end, notice.data.offer.timeZone, t.locale),
          },
          { label: t.labels.type, value: nameIn(notice.data.offer.appointmentTypeName, delivery.language, settings) },
          { label: t.labels.practitioner, value: notice.data.offer.practitionerName },
        ]
      : [
          { label: t.labels.type, value: nameIn(entry.appointmentTypeName, delivery.language, settings) },
          { label: t.labels.practitioner, value: entry.practitionerName ?? t.waitlist.anyPractitioner },
          { label: t.waitlist.days, value: fill(t.waitlist.range, values) },
        ];
  if (notice.type === 'notice.waitlistJoined') details.push({ label: t.labels.deadline, value: values.deadline! });
  const notes = [fill(texts.note, values)];
  if (links.leave) notes.push(`${t.waitlist.leave} ${links.leave}`);
  notes.push(fill(texts.notYou, values));
  return {
    language: delivery.language,
    subject: fill(texts.subject, values),
    greeting: `${fill(t.greeting, values)},`,
    paragraphs: [fill(texts.intro, values)],
    details,
    action: { label: texts.action, url: links.action },
    notes,
    signature: fill(t.signature, values).split('\n'),
    footer: [fill(t.automated, values), practiceLine(settings, ' · ')],
  };
}

/** The SMS of one waiting-list notice: the sentence and the link, within two segments. */
export function composeWaitlistSms(
  notice: WaitlistNotice,
  delivery: Delivery<WaitlistMessageKind>,
  settings: PracticeSettings,
): string {
  const t = translations[delivery.language];
  const { entry } = notice.data;
  const link = linksOf(notice, settings, delivery.language).action;
  const build = (practiceName: string) => {
    const template =
      notice.type === 'notice.waitlistOffered'
        ? t.sms.waitlistOffer
        : notice.type === 'notice.waitlistJoined'
          ? t.sms.waitlistConfirmRequest
          : t.sms.waitlistOnList;
    const sentence = fill(template, {
      practiceName,
      when:
        notice.type === 'notice.waitlistOffered'
          ? formatCompact(notice.data.offer.start, entry.timeZone, t.locale)
          : '',
      deadline:
        notice.type === 'notice.waitlistJoined' ? formatCompact(notice.data.confirmBy, entry.timeZone, t.locale) : '',
    });
    return toGsm7(`${sentence} ${link}`);
  };
  const name = [...settings.practiceName];
  for (let length = name.length; length >= 1; length--) {
    const text = build(length === name.length ? settings.practiceName : `${name.slice(0, length).join('').trimEnd()}.`);
    if (segmentsOf(text).segments <= MAX_SMS_SEGMENTS) return text;
  }
  return build('');
}
