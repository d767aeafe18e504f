import { SegmentedMessage } from 'sms-segments-calculator';
import type { Delivery, MessageEvent, NoticeKind } from '../notice.js';
import type { PracticeSettings } from '../practice-settings.js';
import { formatCompact } from './local-time.js';
import { practiceReasonOf } from './compose-email.js';
import { optOutLink, patientLink } from './site-links.js';
import { type Translation, fill, translations } from './translations.js';

/** N5: an SMS never costs more than two segments (306 GSM-7 or 134 UCS-2 characters). */
export const MAX_SMS_SEGMENTS = 2;

const templateOf: Record<NoticeKind, (t: Translation) => string> = {
  'provisional-request': (t) => t.sms.provisionalRequest,
  confirmation: (t) => t.sms.confirmation,
  change: (t) => t.sms.change,
  cancellation: (t) => t.sms.cancellation,
  expiry: (t) => t.sms.expiry,
  reminder: (t) => t.sms.reminder,
};

/** Characters outside GSM-7 that have a plain stand-in; anything else with an accent loses it. */
const gsmStandIns: Record<string, string> = {
  '’': "'",
  '‘': "'",
  '“': '"',
  '”': '"',
  '«': '"',
  '»': '"',
  '–': '-',
  '—': '-',
  '\u00a0': ' ',
  '\u202f': ' ',
};

export function segmentsOf(text: string): { segments: number; encoding: string } {
  const message = new SegmentedMessage(text);
  return { segments: message.segmentsCount, encoding: message.encodingName };
}

/**
 * Rewrites characters that would force the whole SMS into UCS-2 (70 instead of 160 characters per
 * segment) — ô, ê, ç, typographic quotes — into their GSM-7 look-alikes. Text that still needs
 * UCS-2 (a name in another script) is left as it was: correct beats cheap.
 */
export function toGsm7(text: string): string {
  const nonGsm = new Set(new SegmentedMessage(text).getNonGsmCharacters());
  if (nonGsm.size === 0) return text;
  let rewritten = '';
  for (const char of text) {
    if (!nonGsm.has(char)) rewritten += char;
    else rewritten += gsmStandIns[char] ?? char.normalize('NFD').replace(/\p{M}/gu, '');
  }
  return new SegmentedMessage(rewritten).getNonGsmCharacters().length === 0 ? rewritten : text;
}

/**
 * The SMS for one delivery: the sentence, the link, and the zone's name when it fits (a reminder
 * adds its opt-out link). If two segments are not enough, the zone goes first, then the practice's
 * reason for a cancel is shortened, then the practice name; the links are never cut.
 */
export function composeSms(event: MessageEvent, delivery: Delivery, settings: PracticeSettings): string {
  const t = translations[delivery.language];
  const { booking } = event.data;
  const compact = (instant: string) => formatCompact(instant, booking.timeZone, t.locale);
  // A reminder carries its opt-out link after the manage link; neither is ever cut.
  const optOut =
    event.type === 'reminder'
      ? ` ${t.sms.reminderOptOut} ${optOutLink(settings, event.data.optOutToken, delivery.language)}`
      : '';
  const link = patientLink(event, settings, delivery.language);
  const fullReason = practiceReasonOf(event);
  const template = fullReason !== undefined ? t.sms.cancellationByPractice : templateOf[delivery.kind](t);
  let reason = fullReason ?? '';
  const build = (practiceName: string, withZone: boolean) => {
    const sentence = fill(template, {
      practiceName,
      when: compact(booking.start),
      deadline: booking.expiresAt ? compact(booking.expiresAt) : '',
      changeableUntil: compact(booking.changeableUntil),
      phone: settings.phone,
      reason,
    });
    const zone = withZone ? ` ${fill(t.sms.zone, { zone: booking.timeZone })}.` : '';
    return toGsm7(`${sentence}${link ? ` ${link}` : ''}${zone}${optOut}`);
  };
  const fits = (text: string) => segmentsOf(text).segments <= MAX_SMS_SEGMENTS;

  for (const withZone of [true, false]) {
    const text = build(settings.practiceName, withZone);
    if (fits(text)) return text;
  }
  // The reason is shortened first, then the practice name, each to its longest start that fits.
  const reasonFitting = longestFittingStart(fullReason ?? '', (start) => {
    reason = start;
    return fits(build(settings.practiceName, false));
  });
  if (reasonFitting !== undefined) {
    reason = reasonFitting;
    return build(settings.practiceName, false);
  }
  reason = fullReason === undefined ? '' : '...';
  const nameFitting = longestFittingStart(settings.practiceName, (start) => fits(build(start, false)), '.');
  if (nameFitting !== undefined) return build(nameFitting, false);
  // Only a site URL far too long for any SMS gets here; sending beats refusing to tell the patient.
  return build('', false);
}

/**
 * The longest start of `text` (cut at a character, trailing spaces trimmed, `ending` added) that
 * `fits`, found by halving: a longer start never fits better. Undefined when not even one character fits.
 */
function longestFittingStart(text: string, fits: (start: string) => boolean, ending = '...'): string | undefined {
  const characters = [...text];
  const start = (length: number) => `${characters.slice(0, length).join('').trimEnd()}${ending}`;
  let [fitting, tooLong] = [0, characters.length];
  while (tooLong - fitting > 1) {
    const middle = Math.floor((fitting + tooLong) / 2);
    if (fits(start(middle))) fitting = middle;
    else tooLong = middle;
  }
  return fitting > 0 ? start(fitting) : undefined;
}
