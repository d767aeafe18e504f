import type { BookingHeldV1 } from '@otk/contracts';
import type { OutgoingEmail } from '../data-access/mailer.js';

/**
 * The provisional-request e-mail (D1/N2): the slot is held until the deadline. Pure: the same
 * event always renders the same e-mail.
 */
export function renderProvisionalRequest(event: BookingHeldV1): OutgoingEmail {
  const when = `${event.start} – ${event.end}`;
  return {
    to: event.patient.email,
    subject: 'Please confirm your appointment request',
    text: [
      `Hello ${event.patient.firstName} ${event.patient.lastName},`,
      '',
      `your appointment (${when}) is held for you until ${event.expiresAt}.`,
      'Please confirm it before then; otherwise the time is released for other patients.',
      '',
      `Booking reference: ${event.bookingId}`,
    ].join('\n'),
  };
}
