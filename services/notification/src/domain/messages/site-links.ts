import type { Language } from '@otk/contracts';
import type { MessageEvent } from '../notice.js';
import type { PracticeSettings } from '../practice-settings.js';

/**
 * Every address of the booking site that a message carries. Each one names the message's
 * language in the site's own form (`lang=…`, as its language switch and `hreflang` alternates
 * write it), so a link opened on another device — whose browser speaks another language and has
 * no stored choice — shows the page in the language of the message.
 */
function siteAddress(settings: PracticeSettings, path: string, language: Language, token?: string): string {
  const query = new URLSearchParams(token === undefined ? { lang: language } : { token, lang: language });
  // The site's address as the practice wrote it (no punycode for an umlaut in its host name).
  return `${settings.siteUrl.replace(/\/+$/, '')}${path}?${query.toString()}`;
}

/** F8: `/confirm?token=…&lang=…`. */
export function confirmLink(settings: PracticeSettings, token: string, language: Language): string {
  return siteAddress(settings, '/confirm', language, token);
}

/** F9: `/manage?token=…&lang=…`. */
export function manageLink(settings: PracticeSettings, token: string, language: Language): string {
  return siteAddress(settings, '/manage', language, token);
}

/** The booking flow's home, `/?lang=…`, for a new request after a cancellation or an expiry. */
export function bookingLink(settings: PracticeSettings, language: Language): string {
  return siteAddress(settings, '/', language);
}

export type WaitlistPage = '/waitlist/confirm' | '/waitlist/offer' | '/waitlist/leave';

/** A waiting-list page with the entry's or offer's token (ADR 26): `/waitlist/offer?token=…&lang=…`. */
export function waitlistLink(
  settings: PracticeSettings,
  page: WaitlistPage,
  token: string,
  language: Language,
): string {
  return siteAddress(settings, page, language, token);
}

/** The page where a patient stops the reminders (ADR 36): `/reminders?token=…&lang=…`. */
export function optOutLink(settings: PracticeSettings, token: string, language: Language): string {
  return siteAddress(settings, '/reminders', language, token);
}

/** The link with the patient's token, if this notice has one. Staff copies never get it. */
export function patientLink(event: MessageEvent, settings: PracticeSettings, language: Language): string | undefined {
  switch (event.type) {
    case 'notice.bookingHeld':
      return confirmLink(settings, event.data.confirmToken, language);
    case 'notice.bookingConfirmed':
    case 'notice.bookingChanged':
    case 'reminder':
      return manageLink(settings, event.data.manageToken, language);
    default:
      return undefined;
  }
}
