import { randomBytes, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { AppError, type BookingStatus, type Reminder } from '@otk/contracts';
import { Broker } from '@otk/messaging';
import { createLogger } from '@otk/telemetry';
import { aBookingCancelledEvent, aBookingChangedNotice, aBookingConfirmedNotice, waitFor } from '@otk/test-kit';
import { expect } from 'chai';
import { Registry } from 'prom-client';
import { calendarOf } from './support/calendar-file.js';
import {
  type NotificationHarness,
  aPatient,
  counterValue,
  startNotificationHarness,
} from './support/notification-harness.js';
import { type SmsProviderServer, startSmsProviderServer } from './support/sms-provider-server.js';

const hour = 3600_000;
const siteUrl = 'https://onlinetermine.praxis-muster.example';
const practiceReminders: Reminder[] = [
  { hoursBefore: 48, channel: 'email' },
  { hoursBefore: 2, channel: 'sms' },
];
const twilio = { SMS_PROVIDER: 'twilio', SMS_ACCOUNT_ID: 'AC0123456789abcdef0123456789abcdef', SMS_API_KEY: 'test' };

let phoneCounter = 0;
/** A patient with an e-mail address and a mobile number of their own. */
function aPatientWithPhone() {
  phoneCounter += 1;
  return { ...aPatient(), phone: `+4178${String(1000000 + phoneCounter).slice(-7)}` };
}
type TestPatient = ReturnType<typeof aPatientWithPhone>;

/**
 * Reminders come due days ahead, so the service runs on a clock the test moves, over the real
 * broker, database, SMTP server and an SMS provider's API; restarts start the service again on
 * the same database. hold-manager, which issues the manage tokens, is stood in for on the broker
 * by `booking.issueManageToken` answers from the bookings the test confirmed (hold-manager's own
 * tests cover the real command).
 */
describe('appointment reminders, on a clock the test moves', function () {
  this.timeout(60000);
  const clock = { now: new Date() };
  const now = () => clock.now;
  let harness: NotificationHarness;
  let provider: SmsProviderServer;
  let broker: Broker;
  /** What hold-manager knows of each booking, and the manage tokens it issued. */
  const holdManager = new Map<string, { status: BookingStatus; start: string }>();
  const issuedTokens: string[] = [];

  before(async () => {
    provider = await startSmsProviderServer('twilio');
    harness = await startNotificationHarness(
      { ...twilio, SMS_API_URL: provider.url, REMINDER_POLL_INTERVAL_MS: '50' },
      {},
      { now },
    );
    await harness.useSettings({ smsEnabled: true, reminders: practiceReminders });
    broker = new Broker({
      url: harness.vhost.url,
      service: 'hold-manager',
      logger: createLogger('test', 'silent'),
      registry: new Registry(),
    });
    await broker.waitUntilConnected();
    await broker.serveCommand('booking.issueManageToken', async ({ bookingId }) => {
      const booking = holdManager.get(bookingId);
      if (!booking) throw new AppError('NOT_FOUND', 'no such booking');
      const manageToken = booking.status === 'confirmed' ? randomBytes(32).toString('base64url') : null;
      if (manageToken) issuedTokens.push(manageToken);
      return { ...booking, manageToken };
    });
  });
  beforeEach(() => {
    clock.now = new Date();
  });
  after(async () => {
    await broker?.close();
    await harness?.stop();
    await provider?.stop();
  });

  /** The slot of a booking `hours` ahead of the test's clock, on the minute. */
  function slotIn(hours: number) {
    const start = new Date(clock.now.getTime() + hours * hour);
    start.setUTCSeconds(0, 0);
    const end = new Date(start.getTime() + 30 * 60_000);
    return {
      start: start.toISOString(),
      end: end.toISOString(),
      occupiedFrom: start.toISOString(),
      occupiedUntil: end.toISOString(),
      changeableUntil: new Date(start.getTime() - 24 * hour).toISOString(),
    };
  }

  async function pendingReminders(bookingId: string): Promise<{ starts_at: Date; hours_before: number }[]> {
    const { rows } = await harness.pool.query(
      `SELECT starts_at, hours_before FROM notification.reminders WHERE booking_id = $1 AND status = 'pending'`,
      [bookingId],
    );
    return rows;
  }

  async function finishedReminders(bookingId: string): Promise<{ status: string; outcome: string; booking: null }[]> {
    const { rows } = await harness.pool.query(
      `SELECT status, outcome, booking FROM notification.reminders
        WHERE booking_id = $1 AND status <> 'pending' ORDER BY due_at`,
      [bookingId],
    );
    return rows;
  }

  /** Publishes a confirmation `hours` ahead and waits until its reminders are scheduled. */
  async function aConfirmedBooking(patient: TestPatient = aPatientWithPhone(), hours = 72) {
    const notice = aBookingConfirmedNotice({ ...slotIn(hours), patient });
    const { bookingId, start } = notice.data.booking;
    holdManager.set(bookingId, { status: 'confirmed', start });
    await harness.publish(notice);
    await waitFor(async () => ((await pendingReminders(bookingId)).length === 2 ? true : undefined), {
      what: 'the scheduled reminders',
    });
    return { notice, bookingId, start: new Date(start), patient };
  }

  const reminderMails = (patient: TestPatient) =>
    harness.mailsTo(patient.email).filter((m) => m.subject?.startsWith('Erinnerung'));
  const reminderSms = (patient: TestPatient) =>
    provider.requests
      .map((r) => new URLSearchParams(r.body))
      .filter((form) => form.get('To') === patient.phone && form.get('Body')?.includes('Erinnerung'))
      .map((form) => form.get('Body')!);
  const moveClockTo = (instant: number) => (clock.now = new Date(instant));
  /** Long enough for the sender (polling every 50 ms) to send anything that is due, twice over. */
  const settle = () => sleep(500);
  const later = <T extends { occurredAt: string }>(event: T, seconds: number): T => ({
    ...event,
    occurredAt: new Date(Date.now() + seconds * 1000).toISOString(),
  });

  it('when each offset comes due, then its reminder goes once on its channel, with a fresh manage link, an .ics update and an opt-out link', async () => {
    const { bookingId, start, patient } = await aConfirmedBooking();

    moveClockTo(start.getTime() - 49 * hour);
    await settle();
    expect(reminderMails(patient)).to.have.length(0);

    moveClockTo(start.getTime() - 48 * hour);
    const [mail] = await waitFor(() => (reminderMails(patient).length ? reminderMails(patient) : undefined), {
      what: 'the e-mail reminder',
    });
    expect(mail!.subject).to.match(/^Erinnerung an Ihren Termin: /);
    expect(mail!.text).to.include(`${siteUrl}/manage?token=${issuedTokens.at(-1)}`);
    expect(mail!.text).to.match(new RegExp(`${siteUrl}/reminders\\?token=[\\w-]{22}`));
    expect(calendarOf(mail!)).to.deep.include({ method: 'REQUEST', start: start.toISOString() });

    moveClockTo(start.getTime() - 2 * hour);
    const [sms] = await waitFor(() => (reminderSms(patient).length ? reminderSms(patient) : undefined), {
      what: 'the SMS reminder',
    });
    expect(sms).to.include(`${siteUrl}/manage?token=${issuedTokens.at(-1)}`);
    expect(sms).to.match(new RegExp(`Keine Erinnerungen mehr: ${siteUrl}/reminders\\?token=[\\w-]{22}`));

    moveClockTo(start.getTime() + hour);
    await settle();
    expect(reminderMails(patient)).to.have.length(1);
    expect(reminderSms(patient)).to.have.length(1);
    expect(await finishedReminders(bookingId)).to.deep.equal([
      { status: 'sent', outcome: 'sent', booking: null },
      { status: 'sent', outcome: 'sent', booking: null },
    ]);
    const metrics = await harness.metrics();
    expect(counterValue(metrics, 'reminders_sent_total', { channel: 'email' })).to.be.at.least(1);
    expect(counterValue(metrics, 'reminders_sent_total', { channel: 'sms' })).to.be.at.least(1);
    expect(metrics).not.to.include(patient.email);
  });

  it('when the clock passes the start before a reminder went out, then none is sent after the appointment began', async () => {
    const { bookingId, start, patient } = await aConfirmedBooking();

    moveClockTo(start.getTime() + 60_000);
    await waitFor(async () => ((await finishedReminders(bookingId)).length === 2 ? true : undefined));

    expect(reminderMails(patient)).to.have.length(0);
    expect(reminderSms(patient)).to.have.length(0);
    expect((await finishedReminders(bookingId)).map((r) => r.outcome)).to.deep.equal([
      'appointment-began',
      'appointment-began',
    ]);
    expect(
      counterValue(await harness.metrics(), 'reminders_skipped_total', { reason: 'appointment-began' }),
    ).to.be.at.least(2);
  });

  it('when a booking is cancelled, then no reminder goes, not even after a late copy of its confirmation', async () => {
    const { notice, bookingId, start, patient } = await aConfirmedBooking();

    await harness.publish(later(aBookingCancelledEvent(notice.data.booking), 1));
    holdManager.set(bookingId, { status: 'cancelled', start: start.toISOString() });
    await waitFor(async () => ((await pendingReminders(bookingId)).length === 0 ? true : undefined));
    await harness.publish({ ...notice, id: randomUUID() }); // a copy older than the cancellation
    const confirmations = () =>
      harness.mailsTo(patient.email).filter((m) => m.subject?.startsWith('Ihr Termin ist bestätigt'));
    await waitFor(() => (confirmations().length === 2 ? true : undefined), { what: 'the copy to be handled' });
    const { rows } = await harness.pool.query('SELECT 1 FROM notification.reminders WHERE booking_id = $1', [
      bookingId,
    ]);
    expect(rows, 'reminders scheduled by the late copy').to.deep.equal([]);
    moveClockTo(start.getTime() - 48 * hour);
    await settle();
    moveClockTo(start.getTime() - 2 * hour);
    await settle();

    expect(await pendingReminders(bookingId)).to.deep.equal([]);
    expect(reminderMails(patient)).to.have.length(0);
    expect(reminderSms(patient)).to.have.length(0);
  });

  it('when a booking is changed, then it is reminded for its new time only', async () => {
    const { notice, bookingId, start: oldStart, patient } = await aConfirmedBooking();
    const newSlot = slotIn(96);
    const changed = later(
      aBookingChangedNotice({ ...notice.data.booking, ...newSlot }, { start: oldStart.toISOString() }),
      1,
    );
    holdManager.set(bookingId, { status: 'confirmed', start: newSlot.start });
    await harness.publish(changed);
    await waitFor(async () => {
      const pending = await pendingReminders(bookingId);
      return (pending.length === 2 && pending.every((r) => r.starts_at.toISOString() === newSlot.start)) || undefined;
    });

    moveClockTo(oldStart.getTime() - 48 * hour + 60_000);
    await settle();
    expect(reminderMails(patient)).to.have.length(0);

    moveClockTo(Date.parse(newSlot.start) - 48 * hour);
    const [mail] = await waitFor(() => (reminderMails(patient).length ? reminderMails(patient) : undefined));
    expect(calendarOf(mail!)).to.deep.include({ method: 'REQUEST', start: newSlot.start });
    await settle();
    expect(reminderMails(patient)).to.have.length(1);
  });

  it('when the patient opts out from the link, then no further reminder reaches their address or number', async () => {
    const { bookingId, start, patient } = await aConfirmedBooking();
    moveClockTo(start.getTime() - 48 * hour);
    const [mail] = await waitFor(() => (reminderMails(patient).length ? reminderMails(patient) : undefined));
    const token = /\/reminders\?token=([\w-]+)/.exec(mail!.text ?? '')![1]!;

    expect(await broker.call('notification.optOutReminders', { token })).to.deep.equal({ optedOut: true });
    expect(await broker.call('notification.optOutReminders', { token })).to.deep.equal({ optedOut: true });
    const wrong = await broker
      .call('notification.optOutReminders', { token: randomBytes(16).toString('base64url') })
      .catch((error: unknown) => error);
    expect(wrong).to.be.instanceOf(AppError).with.property('code', 'TOKEN_INVALID');

    moveClockTo(start.getTime() - 2 * hour);
    await waitFor(async () => ((await finishedReminders(bookingId)).length === 2 ? true : undefined));
    expect(reminderSms(patient)).to.have.length(0);
    expect((await finishedReminders(bookingId)).map((r) => r.outcome)).to.deep.equal(['sent', 'opted-out']);

    // A later booking of the same patient gets no reminders either.
    clock.now = new Date();
    const next = await aConfirmedBooking(patient);
    moveClockTo(next.start.getTime() - 2 * hour);
    await waitFor(async () => ((await finishedReminders(next.bookingId)).length === 2 ? true : undefined));
    expect(reminderMails(patient)).to.have.length(1);
    expect(reminderSms(patient)).to.have.length(0);
  });

  it('when the service restarts between scheduling and sending, and again after sending, then each reminder goes exactly once', async () => {
    const { start, patient } = await aConfirmedBooking();

    await harness.restartService();
    moveClockTo(start.getTime() - 48 * hour);
    await waitFor(() => (reminderMails(patient).length ? true : undefined), { what: 'the reminder after a restart' });
    await harness.restartService();
    moveClockTo(start.getTime() - 47 * hour);
    await settle();
    expect(reminderMails(patient)).to.have.length(1);

    moveClockTo(start.getTime() - 2 * hour);
    await waitFor(() => (reminderSms(patient).length ? true : undefined));
    await settle();
    expect(reminderSms(patient)).to.have.length(1);
  });

  it('when two processes send at the same time, then every reminder goes exactly once', async () => {
    const second = await harness.startSecondProcess();
    try {
      const bookings: Awaited<ReturnType<typeof aConfirmedBooking>>[] = [];
      for (let i = 0; i < 6; i++) bookings.push(await aConfirmedBooking());
      const start = bookings[0]!.start.getTime();
      moveClockTo(start - 2 * hour);
      await waitFor(() => (bookings.every((b) => reminderSms(b.patient).length > 0) ? true : undefined), {
        what: 'every reminder',
      });
      await settle();
      for (const booking of bookings) {
        expect(reminderMails(booking.patient)).to.have.length(1);
        expect(reminderSms(booking.patient)).to.have.length(1);
      }
    } finally {
      await second.stop();
    }
  });
});
