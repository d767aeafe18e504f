import { AppError, type BookingSnapshot, type Reminder } from '@otk/contracts';
import { aBookingConfirmedNotice } from '@otk/test-kit';
import { expect } from 'chai';
import {
  InMemoryMessageLog,
  type InMemoryReminders,
  inMemoryReminders,
  permanently,
  temporarily,
} from '../../../test/support/in-memory-ports.js';
import { contactKeysOf, hashOptOutToken } from './reminder-plan.js';
import { scheduleReminders } from './schedule-reminders.use-case.js';
import { sendNextDueReminder } from './send-due-reminders.use-case.js';

const hour = 3600_000;
const day = 24 * hour;
const start = new Date('2030-01-07T08:00:00Z');
const patient = 'anna.beispiel@example.org';
const siteUrl = 'https://onlinetermine.praxis-muster.example';
const emailTwoDaysBefore: Reminder[] = [{ hoursBefore: 48, channel: 'email' }];
const smsTwoHoursBefore: Reminder[] = [{ hoursBefore: 2, channel: 'sms' }];

/** Reminders on a clock six days before the appointment; retried after 1 min, then every 10 min, 4 attempts. */
function anApp(options: Parameters<typeof inMemoryReminders>[0] = {}): InMemoryReminders {
  return inMemoryReminders({
    now: '2030-01-01T08:00:00Z',
    retry: { delaysMs: [60_000, 600_000], maxAttempts: 4 },
    ...options,
    settings: { reminders: emailTwoDaysBefore, ...options.settings },
  });
}

/** A booking confirmed for `start` (hold-manager knows it as confirmed), its reminders scheduled. */
async function aConfirmedBooking(
  app: InMemoryReminders,
  booking: Partial<BookingSnapshot> = {},
): Promise<BookingSnapshot> {
  const notice = aBookingConfirmedNotice({ start: start.toISOString(), ...booking });
  await scheduleReminders(notice, app.deps);
  const { bookingId } = notice.data.booking;
  app.manageLinks.bookings.set(bookingId, { status: 'confirmed', start: notice.data.booking.start });
  return notice.data.booking;
}

const twoDaysBefore = () => new Date(start.getTime() - 48 * hour);
const reminderOf = (app: InMemoryReminders, bookingId: string) => app.reminders.of(bookingId)[0]!;

describe('sending the due reminders (use case, in memory)', () => {
  it('when no reminder is due yet, then nothing is sent, no link is asked for, and it says none was due', async () => {
    const app = anApp();
    await aConfirmedBooking(app);
    app.clock.set(new Date(twoDaysBefore().getTime() - 1));

    expect(await sendNextDueReminder(app.deps)).to.equal(false);

    expect(app.mailer.sent).to.have.length(0);
    expect(app.manageLinks.issued).to.have.length(0);
  });

  it('when a reminder comes due, then the patient gets it once, with a fresh manage link, an opt-out link and a calendar update', async () => {
    const app = anApp();
    const { bookingId } = await aConfirmedBooking(app);
    app.clock.set(twoDaysBefore());

    expect(await sendNextDueReminder(app.deps)).to.equal(true);
    expect(await sendNextDueReminder(app.deps), 'nothing due after it went').to.equal(false);

    const [mail, ...more] = app.mailer.to(patient);
    expect(more).to.have.length(0);
    expect(mail?.subject).to.match(/^Erinnerung an Ihren Termin: /);
    expect(mail?.text).to.include(`${siteUrl}/manage?token=${app.manageLinks.issued[0]}`);
    expect(mail?.text).to.match(/\/reminders\?token=[\w-]{22}&lang=de/);
    expect(mail?.calendar?.method).to.equal('REQUEST');
    const reminder = reminderOf(app, bookingId);
    expect(reminder).to.deep.include({ status: 'sent', outcome: 'sent', attempts: 1, booking: null });
    expect(app.messageLog.of(reminder.id)[patient]).to.deep.include({ status: 'sent', bookingId });
    expect(await app.counter('reminders_sent_total', { channel: 'email' })).to.equal(1);
  });

  it('when an SMS reminder comes due and the practice sends SMS, then it goes by SMS with a reference of its own', async () => {
    const app = anApp({ settings: { reminders: smsTwoHoursBefore, smsEnabled: true } });
    const { bookingId } = await aConfirmedBooking(app, {
      patient: { firstName: 'Anna', lastName: 'Beispiel', email: patient, phone: '+41791234567' },
    });
    app.clock.set(new Date(start.getTime() - 2 * hour));

    expect(await sendNextDueReminder(app.deps)).to.equal(true);

    const reminder = reminderOf(app, bookingId);
    expect(app.sms.sent).to.have.length(1);
    expect(app.sms.sent[0]).to.deep.include({ to: '+41791234567', reference: `${reminder.id}:reminder` });
    expect(app.sms.sent[0]?.text).to.include(`/manage?token=${app.manageLinks.issued[0]}`);
    expect(app.mailer.sent).to.have.length(0);
    expect(await app.counter('reminders_sent_total', { channel: 'sms' })).to.equal(1);
  });

  it('when the appointment has begun before its reminder was taken, then it is skipped for good and nothing is sent', async () => {
    const app = anApp();
    const { bookingId } = await aConfirmedBooking(app);
    app.clock.set(start);

    expect(await sendNextDueReminder(app.deps)).to.equal(true);

    expect(app.mailer.sent).to.have.length(0);
    expect(app.manageLinks.issued, 'no link asked for').to.have.length(0);
    expect(reminderOf(app, bookingId)).to.deep.include({ status: 'skipped', outcome: 'appointment-began' });
    expect(await app.counter('reminders_skipped_total', { reason: 'appointment-began' })).to.equal(1);
    expect(await sendNextDueReminder(app.deps)).to.equal(false);
  });

  it('when the practice removed the offset after the booking was confirmed, then its reminder is skipped', async () => {
    const app = anApp();
    const { bookingId } = await aConfirmedBooking(app);
    await app.settings.update({ reminders: [{ hoursBefore: 48, channel: 'sms' }] });
    app.clock.set(twoDaysBefore());

    await sendNextDueReminder(app.deps);

    expect(app.mailer.sent).to.have.length(0);
    expect(reminderOf(app, bookingId)).to.deep.include({ status: 'skipped', outcome: 'not-configured' });
    expect(await app.counter('reminders_skipped_total', { reason: 'not-configured' })).to.equal(1);
  });

  it('when the patient can be reached on neither channel, then the reminder is skipped', async () => {
    const app = anApp();
    const { bookingId } = await aConfirmedBooking(app, {
      patient: { firstName: 'Anna', lastName: 'Beispiel', phone: '+41791234567' },
    });
    app.clock.set(twoDaysBefore());

    await sendNextDueReminder(app.deps);

    expect(app.mailer.sent.length + app.sms.sent.length).to.equal(0);
    expect(reminderOf(app, bookingId)).to.deep.include({ status: 'skipped', outcome: 'no-contact' });
  });

  it('when the patient opted out of reminders, then none reaches them and no link is made for it', async () => {
    const app = anApp();
    const booking = await aConfirmedBooking(app, {
      patient: { firstName: 'Anna', lastName: 'Beispiel', email: 'Anna.Beispiel@Example.org' },
    });
    const earlierLink = hashOptOutToken('an-earlier-reminders-link');
    await app.reminders.addOptOutLink(earlierLink, contactKeysOf({ ...booking.patient, email: patient }), start);
    await app.reminders.optOut(earlierLink, app.clock.now());
    app.clock.set(twoDaysBefore());

    await sendNextDueReminder(app.deps);

    expect(app.mailer.sent).to.have.length(0);
    expect(app.manageLinks.issued).to.have.length(0);
    expect(reminderOf(app, booking.bookingId)).to.deep.include({ status: 'skipped', outcome: 'opted-out' });
    expect(await app.counter('reminders_skipped_total', { reason: 'opted-out' })).to.equal(1);
  });

  it('when hold-manager no longer knows the booking, then the reminder is skipped as not confirmed', async () => {
    const app = anApp();
    const { bookingId } = await aConfirmedBooking(app);
    app.manageLinks.bookings.delete(bookingId);
    app.clock.set(twoDaysBefore());

    await sendNextDueReminder(app.deps);

    expect(app.mailer.sent).to.have.length(0);
    expect(reminderOf(app, bookingId)).to.deep.include({ status: 'skipped', outcome: 'not-confirmed' });
  });

  it('when the booking is no longer confirmed, then hold-manager issues no link and the reminder is skipped', async () => {
    const app = anApp();
    const { bookingId } = await aConfirmedBooking(app);
    app.manageLinks.bookings.set(bookingId, { status: 'cancelled', start: start.toISOString() });
    app.clock.set(twoDaysBefore());

    await sendNextDueReminder(app.deps);

    expect(app.mailer.sent).to.have.length(0);
    expect(reminderOf(app, bookingId)).to.deep.include({ status: 'skipped', outcome: 'not-confirmed' });
    expect(await app.counter('reminders_skipped_total', { reason: 'not-confirmed' })).to.equal(1);
  });

  it('when the booking moved and its change has not arrived yet, then the reminder for the old time is skipped', async () => {
    const app = anApp();
    const { bookingId } = await aConfirmedBooking(app);
    app.manageLinks.bookings.set(bookingId, {
      status: 'confirmed',
      start: new Date(start.getTime() + day).toISOString(),
    });
    app.clock.set(twoDaysBefore());

    await sendNextDueReminder(app.deps);

    expect(app.mailer.sent).to.have.length(0);
    expect(reminderOf(app, bookingId)).to.deep.include({ status: 'skipped', outcome: 'moved' });
  });

  it('when hold-manager does not answer, then the reminder is tried again after the first delay and goes then', async () => {
    const app = anApp();
    const { bookingId } = await aConfirmedBooking(app);
    app.manageLinks.failWith = new AppError('TIMEOUT', 'no answer in time');
    app.clock.set(twoDaysBefore());

    await sendNextDueReminder(app.deps);

    expect(app.mailer.sent).to.have.length(0);
    expect(reminderOf(app, bookingId)).to.deep.include({
      status: 'pending',
      attempts: 1,
      lastError: 'manage link: TIMEOUT',
      nextAttemptAt: new Date(twoDaysBefore().getTime() + 60_000),
    });
    app.manageLinks.failWith = undefined;
    app.clock.advance(59_999);
    expect(await sendNextDueReminder(app.deps), 'not before its delay').to.equal(false);
    app.clock.advance(1);
    await sendNextDueReminder(app.deps);
    expect(app.mailer.to(patient)).to.have.length(1);
    expect(reminderOf(app, bookingId)).to.deep.include({ status: 'sent', attempts: 2 });
  });

  it('when sending keeps failing for now, then it waits each delay in turn (the last one repeating) and gives up after the last attempt', async () => {
    const app = anApp();
    const { bookingId } = await aConfirmedBooking(app);
    app.mailer.refuse = () => temporarily();
    app.clock.set(twoDaysBefore());
    const waits: number[] = [];

    for (let attempt = 1; attempt <= 3; attempt += 1) {
      const before = app.clock.now();
      await sendNextDueReminder(app.deps);
      const reminder = reminderOf(app, bookingId);
      expect(reminder).to.deep.include({ status: 'pending', attempts: attempt, lastError: 'SMTP ESOCKET' });
      waits.push(reminder.nextAttemptAt.getTime() - before.getTime());
      app.clock.set(reminder.nextAttemptAt);
    }
    await sendNextDueReminder(app.deps);

    expect(waits).to.deep.equal([60_000, 600_000, 600_000]);
    expect(reminderOf(app, bookingId)).to.deep.include({ status: 'skipped', outcome: 'given-up', attempts: 4 });
    expect(await app.counter('reminders_skipped_total', { reason: 'given-up' })).to.equal(1);
    expect(await app.counter('notifications_failed_total', { kind: 'reminder', permanent: 'false' })).to.equal(4);
  });

  it('when no delays are configured, then a failed reminder is tried again after a minute', async () => {
    const app = anApp({ retry: { delaysMs: [], maxAttempts: 3 } });
    const { bookingId } = await aConfirmedBooking(app);
    app.mailer.refuse = () => temporarily();
    app.clock.set(twoDaysBefore());

    await sendNextDueReminder(app.deps);

    expect(reminderOf(app, bookingId).nextAttemptAt).to.deep.equal(new Date(twoDaysBefore().getTime() + 60_000));
  });

  it('when the mail server refuses the address for good, then the reminder is skipped and not tried again', async () => {
    const app = anApp();
    const { bookingId } = await aConfirmedBooking(app);
    app.mailer.refuse = () => permanently();
    app.clock.set(twoDaysBefore());

    await sendNextDueReminder(app.deps);

    expect(reminderOf(app, bookingId)).to.deep.include({ status: 'skipped', outcome: 'refused' });
    expect(await app.counter('reminders_skipped_total', { reason: 'refused' })).to.equal(1);
    app.clock.advance(day);
    expect(await sendNextDueReminder(app.deps)).to.equal(false);
  });

  it('when the message log says the reminder went already, then it is not sent again, nor counted as sent again', async () => {
    const app = anApp();
    const { bookingId } = await aConfirmedBooking(app);
    const reminder = reminderOf(app, bookingId);
    app.messageLog.rows.set(InMemoryMessageLog.keyOf({ eventId: reminder.id, recipient: patient, kind: 'reminder' }), {
      status: 'sent',
      attempts: 1,
    });
    app.clock.set(twoDaysBefore());

    await sendNextDueReminder(app.deps);

    expect(app.mailer.sent).to.have.length(0);
    expect(reminderOf(app, bookingId)).to.deep.include({ status: 'sent', outcome: 'sent' });
    expect(await app.counter('reminders_sent_total')).to.equal(0);
  });

  it('when one reminder fails unexpectedly, then it is tried again later, names only the error type, and the next reminder still goes', async () => {
    const app = anApp();
    const first = await aConfirmedBooking(app);
    const second = await aConfirmedBooking(app, {
      patient: { firstName: 'Bruno', lastName: 'Beispiel', email: 'bruno.beispiel@example.org' },
    });
    app.settings.failNext = new TypeError(`cannot read the settings for ${patient}`);
    app.clock.set(twoDaysBefore());

    await sendNextDueReminder(app.deps);
    await sendNextDueReminder(app.deps);

    const failed = [first, second].map((b) => reminderOf(app, b.bookingId)).find((r) => r.status === 'pending');
    expect(failed).to.deep.include({ attempts: 1, lastError: 'unexpected TypeError' });
    expect(app.mailer.sent, 'the other reminder went').to.have.length(1);
    expect(JSON.stringify(app.logs)).to.include('TypeError').and.not.to.include(patient);
  });

  it('when it fails with an error of the application, then the retry names the error code', async () => {
    const app = anApp();
    const { bookingId } = await aConfirmedBooking(app);
    app.settings.failNext = new AppError('UNAVAILABLE', 'database unreachable');
    app.clock.set(twoDaysBefore());

    await sendNextDueReminder(app.deps);

    expect(reminderOf(app, bookingId)).to.deep.include({ status: 'pending', lastError: 'unexpected UNAVAILABLE' });
  });
});
