import type { Language, Reminder } from '@otk/contracts';

/**
 * What the messages say about the practice and how they are sent (A2, N5, N6). Kept as data in
 * the notification schema; secrets (SMTP password, SMS key, DKIM key) are not here but in the
 * environment.
 */
export interface PracticeSettings {
  practiceName: string;
  /** One line, e.g. "Bahnhofstrasse 1, 8001 Zürich". */
  address: string;
  phone: string;
  senderName: string;
  senderAddress: string;
  /** Public base URL of the booking site; the links of the messages are built on it (messages/site-links.ts). */
  siteUrl: string;
  defaultLanguage: Language;
  /** Languages the practice writes to patients in; any other falls back to `defaultLanguage`. */
  languages: Language[];
  staffCopies: boolean;
  staffAddresses: string[];
  smsEnabled: boolean;
  /** Sender shown on the phone: up to 11 letters and digits, or a number in E.164. */
  smsSender: string;
  /** DKIM signing domain and selector; the private key is `DKIM_PRIVATE_KEY`. Null: not signed. */
  dkim: { domain: string; selector: string } | null;
  /** The reminders every confirmed booking gets: hours before its start, and the channel (ADR 35). */
  reminders: Reminder[];
}
