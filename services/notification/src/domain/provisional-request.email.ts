import type { BookingHeldV1 } from '@otk/contracts';
import type { OutgoingEmail } from '../data-access/mailer.js';

/**
 * The provisional-request e-mail (D1/N2): the slot is held until the deadline. Pure: the same
 * event always renders the same e-mail.
 */
export function renderProvisionalRequest({ booking }: BookingHeldV1, to: string): OutgoingEmail {
  return {
    to,
    subject: 'Please confirm your appointment request',
    text: [
      `Hello ${booking.patient.firstName} ${booking.patient.lastName},`,
      '',
      `your appointment (${booking.start} – ${booking.end}) is held for you until ${booking.expiresAt}.`,
      'Please confirm it before then; otherwise the time is released for other patients.',
      '',
      `Booking reference: ${booking.bookingId}`,
    ].join('\n'),
  };
}
