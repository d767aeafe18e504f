import { aBookingSnapshot } from '@otk/test-kit';
import { expect } from 'chai';
import { aPracticeSettings } from '../../test/practice-settings.factory.js';
import { parseCalendar as parse } from '../../test/support/calendar-file.js';
import { calendarInvitation } from './calendar-invitation.js';

describe('calendar invitation', () => {
  const settings = aPracticeSettings();
  const booking = aBookingSnapshot({ status: 'confirmed' });
  const invite = (method: 'REQUEST' | 'CANCEL', sequence: number) =>
    calendarInvitation({
      booking,
      method,
      sequence,
      stamp: '2029-12-01T10:00:00.000Z',
      patientEmail: 'anna@example.org',
      language: 'de',
      settings,
    });

  it('when a booking is confirmed, then the file is a REQUEST with a UID of the booking and SEQUENCE 0', () => {
    const parsed = parse(invite('REQUEST', 0).content);
    expect(parsed).to.deep.equal({
      method: 'REQUEST',
      uid: `booking-${booking.bookingId}@onlinetermine.praxis-muster.example`,
      sequence: 0,
      start: booking.start,
      status: 'CONFIRMED',
    });
  });

  it('when a booking is cancelled, then the same UID comes with METHOD:CANCEL and the given SEQUENCE', () => {
    const parsed = parse(invite('CANCEL', 2).content);
    expect(parsed.method).to.equal('CANCEL');
    expect(parsed.uid).to.equal(`booking-${booking.bookingId}@onlinetermine.praxis-muster.example`);
    expect(parsed.sequence).to.equal(2);
    expect(parsed.status).to.equal('CANCELLED');
  });

  it('when the same event is rendered twice, then the file is the same', () => {
    expect(invite('REQUEST', 1).content).to.equal(invite('REQUEST', 1).content);
  });
});
