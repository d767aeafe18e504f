import type { BookingSnapshot } from '@otk/contracts';
import { aBookingConfirmedNotice } from '@otk/test-kit';
import { expect } from 'chai';
import { type InMemoryReminders, codeOf, inMemoryReminders } from '../../../test/support/in-memory-ports.js';
import { optOutOfReminders } from './opt-out-reminders.use-case.js';
import { contactKeysOf } from './reminder-plan.js';
import { scheduleReminders } from './schedule-reminders.use-case.js';
import { sendNextDueReminder } from './send-due-reminders.use-case.js';

const hour = 3600_000;
const day = 24 * hour;
const start = new Date('2030-01-07T08:00:00Z');
const patient = { firstName: 'Anna', lastName: 'Beispiel', email: 'anna.beispiel@example.org', phone: '+41791234567' };

/** Reminders by e-mail two days and by SMS two hours before; the clock six days before the appointment. */
function anApp(): InMemoryReminders {
  return inMemoryReminders({
    now: '2030-01-01T08:00:00Z',
    settings: {
      smsEnabled: true,
      reminders: [
        { hoursBefore: 48, channel: 'email' },
        { hoursBefore: 2, channel: 'sms' },
      ],
    },
  });
}

async function aConfirmedBooking(app: InMemoryReminders, at = start): Promise<BookingSnapshot> {
  const notice = aBookingConfirmedNotice({ start: at.toISOString(), patient });
  await scheduleReminders(notice, app.deps);
  app.manageLinks.bookings.set(notice.data.booking.bookingId, { status: 'confirmed', start: at.toISOString() });
  return notice.data.booking;
}

/** Sends the e-mail reminder two days ahead and answers the token of its opt-out link. */
async function theOptOutToken(app: InMemoryReminders): Promise<string> {
  app.clock.set(new Date(start.getTime() - 48 * hour));
  await sendNextDueReminder(app.deps);
  const text = app.mailer.to(patient.email)[0]?.text ?? '';
  return /\/reminders\?token=([\w-]+)/.exec(text)![1]!;
}

describe('opting out of reminders (use case, in memory)', () => {
  it('when the patient follows the link of a reminder, then reminders stop for their address and for their number', async () => {
    const app = anApp();
    const booking = await aConfirmedBooking(app);
    const token = await theOptOutToken(app);
    expect(await app.reminders.isOptedOut(contactKeysOf(booking.patient))).to.equal(false);

    expect(await optOutOfReminders(app.deps, token)).to.deep.equal({ optedOut: true });

    for (const key of contactKeysOf(booking.patient))
      expect(await app.reminders.isOptedOut([key]), 'each contact opted out').to.equal(true);
  });

  it('when the patient opted out, then neither the rest of this booking’s reminders nor a later booking’s reach them', async () => {
    const app = anApp();
    const booking = await aConfirmedBooking(app);
    await optOutOfReminders(app.deps, await theOptOutToken(app));
    const later = await aConfirmedBooking(app, new Date(start.getTime() + 7 * day));

    app.clock.set(new Date(start.getTime() - 2 * hour));
    await sendNextDueReminder(app.deps);
    app.clock.set(new Date(start.getTime() + 7 * day - 2 * hour));
    while (await sendNextDueReminder(app.deps));

    expect(app.sms.sent).to.have.length(0);
    expect(app.mailer.sent, 'only the first reminder').to.have.length(1);
    expect(
      [...app.reminders.of(booking.bookingId), ...app.reminders.of(later.bookingId)].map((r) => r.outcome),
    ).to.deep.equal(['sent', 'opted-out', 'opted-out', 'opted-out']);
  });

  it('when the patient follows the link a second time, then the answer is the same', async () => {
    const app = anApp();
    await aConfirmedBooking(app);
    const token = await theOptOutToken(app);
    await optOutOfReminders(app.deps, token);

    expect(await optOutOfReminders(app.deps, token)).to.deep.equal({ optedOut: true });
  });

  it('when the link is unknown, then it is refused as TOKEN_INVALID and nobody is opted out', async () => {
    const app = anApp();
    const booking = await aConfirmedBooking(app);
    await theOptOutToken(app);

    expect(await codeOf(optOutOfReminders(app.deps, 'AAAAAAAAAAAAAAAAAAAAAA'))).to.equal('TOKEN_INVALID');
    expect(await app.reminders.isOptedOut(contactKeysOf(booking.patient))).to.equal(false);
  });

  it('when the link has expired (30 days after the appointment), then it is refused as TOKEN_INVALID', async () => {
    const app = anApp();
    const booking = await aConfirmedBooking(app);
    const token = await theOptOutToken(app);

    app.clock.set(new Date(start.getTime() + 30 * day));
    expect(await codeOf(optOutOfReminders(app.deps, token))).to.equal('TOKEN_INVALID');
    expect(await app.reminders.isOptedOut(contactKeysOf(booking.patient))).to.equal(false);

    app.clock.set(new Date(start.getTime() + 30 * day - 1));
    expect(await optOutOfReminders(app.deps, token)).to.deep.equal({ optedOut: true });
  });
});
