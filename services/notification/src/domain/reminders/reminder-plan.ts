import { createHash, randomBytes } from 'node:crypto';
import type { BookingSnapshot, Channel, Reminder } from '@otk/contracts';
import { type Delivery, languageFor } from '../notice.js';
import type { PracticeSettings } from '../practice-settings.js';

const hour = 3600_000;

/** One reminder owed for a booking: when it is due and how it goes. */
export interface PlannedReminder extends Reminder {
  dueAt: Date;
}

/**
 * The reminders of a confirmed (or changed) booking: one per configured offset whose time is still
 * ahead at `now`. An offset already past is left out: the patient has just been told the time by
 * the confirmation or change message.
 */
export function planReminders(start: Date, reminders: readonly Reminder[], now: Date): PlannedReminder[] {
  return reminders
    .map((reminder) => ({ ...reminder, dueAt: new Date(start.getTime() - reminder.hoursBefore * hour) }))
    .filter((planned) => planned.dueAt > now)
    .sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime());
}

/** Whether the practice still asks for this reminder (an offset removed in the console is not sent). */
export function isStillConfigured(reminder: Reminder, settings: PracticeSettings): boolean {
  return settings.reminders.some((r) => r.hoursBefore === reminder.hoursBefore && r.channel === reminder.channel);
}

/**
 * How a reminder reaches the patient: on its channel when the patient can be reached there (SMS:
 * the practice sends SMS, a provider is configured and the patient gave a number), otherwise on
 * the other one; undefined when neither works. In the patient's language (ADR 30).
 */
export function reminderDelivery(
  booking: BookingSnapshot,
  channel: Channel,
  settings: PracticeSettings,
  smsAvailable: boolean,
): Delivery | undefined {
  const { email, phone } = booking.patient;
  const language = languageFor(booking.language, settings);
  const bySms = phone && settings.smsEnabled && smsAvailable ? phone : undefined;
  const order: Channel[] = channel === 'sms' ? ['sms', 'email'] : ['email', 'sms'];
  for (const candidate of order) {
    const recipient = candidate === 'sms' ? bySms : email;
    if (recipient) return { kind: 'reminder', audience: 'patient', channel: candidate, recipient, language };
  }
  return undefined;
}

/**
 * The patient's contacts as the opt-out list keeps them: SHA-256 of the lower-cased e-mail address
 * and of the phone number, never the contacts themselves.
 */
export function contactKeysOf(patient: BookingSnapshot['patient']): string[] {
  const contacts = [
    patient.email ? `email:${patient.email.trim().toLowerCase()}` : undefined,
    patient.phone ? `phone:${patient.phone.trim()}` : undefined,
  ];
  return contacts.filter((c): c is string => c !== undefined).map((c) => createHash('sha256').update(c).digest('hex'));
}

/** An opt-out link's token: 128 random bits (short, so that it fits into an SMS) and its hash. */
export function newOptOutToken(): { value: string; hash: string } {
  const value = randomBytes(16).toString('base64url');
  return { value, hash: hashOptOutToken(value) };
}

export function hashOptOutToken(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}
