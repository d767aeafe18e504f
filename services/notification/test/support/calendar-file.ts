import ICAL from 'ical.js';
import type { ParsedMail } from 'mailparser';

/** A calendar file parsed back: its method and the event's UID, SEQUENCE, start and status. */
export function parseCalendar(content: string): {
  method: string;
  uid: string;
  sequence: number;
  start: string;
  status: string;
} {
  const calendar = new ICAL.Component(ICAL.parse(content));
  const event = new ICAL.Event(calendar.getFirstSubcomponent('vevent')!);
  return {
    method: String(calendar.getFirstPropertyValue('method')),
    uid: event.uid,
    sequence: event.sequence,
    start: event.startDate.toJSDate().toISOString(),
    status: String(event.component.getFirstPropertyValue('status')),
  };
}

/** The calendar file of an e-mail, parsed back: its method and the event's UID, SEQUENCE and start. */
export function calendarOf(mail: ParsedMail): { method: string; uid: string; sequence: number; start: string } {
  const file = mail.attachments.find((a) => a.filename?.endsWith('.ics'));
  if (!file) throw new Error('the e-mail has no .ics attachment');
  const { method, uid, sequence, start } = parseCalendar(file.content.toString('utf8'));
  return { method, uid, sequence, start };
}
