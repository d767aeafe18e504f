import ICAL from 'ical.js';
import type { ParsedMail } from 'mailparser';

/** The calendar file of an e-mail, parsed back: its method and the event's UID, SEQUENCE and start. */
export function calendarOf(mail: ParsedMail): { method: string; uid: string; sequence: number; start: string } {
  const file = mail.attachments.find((a) => a.filename?.endsWith('.ics'));
  if (!file) throw new Error('the e-mail has no .ics attachment');
  const calendar = new ICAL.Component(ICAL.parse(file.content.toString('utf8')));
  const event = new ICAL.Event(calendar.getFirstSubcomponent('vevent')!);
  return {
    method: String(calendar.getFirstPropertyValue('method')),
    uid: event.uid,
    sequence: event.sequence,
    start: event.startDate.toJSDate().toISOString(),
  };
}
