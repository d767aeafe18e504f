import {
  aBookingCancelledEvent,
  aBookingChangedNotice,
  aBookingConfirmedNotice,
  aBookingExpiredEvent,
  aBookingHeldNotice,
} from '@otk/test-kit';
import { expect } from 'chai';
import {
  InMemoryMessageLog,
  inMemoryNotification,
  permanently,
  temporarily,
} from '../../test/support/in-memory-ports.js';
import { notifyBookingEvent } from './notify-booking-event.use-case.js';

const patient = 'anna.beispiel@example.org';
const staffCopies = { staffCopies: true, staffAddresses: ['empfang@praxis-muster.example'] };

describe('notifying about a booking event (use case, in memory)', () => {
  it('when a hold is placed, then the patient gets the provisional request once, and the log records it as sent', async () => {
    const app = inMemoryNotification();
    const event = aBookingHeldNotice();

    const result = await notifyBookingEvent(event, app.deps);

    expect(result).to.deep.equal({ result: 'notified' });
    expect(app.mailer.to(patient)).to.have.length(1);
    expect(app.mailer.to(patient)[0]?.subject).to.match(/^Bitte bestätigen Sie Ihre Terminanfrage/);
    expect(app.mailer.to(patient)[0]?.calendar, 'no calendar file for a request').to.equal(undefined);
    expect(app.messageLog.of(event.id)[patient]).to.deep.include({ status: 'sent', providerMessageId: 'smtp-1' });
    expect(
      await app.counter('notifications_sent_total', { kind: 'provisional-request', audience: 'patient' }),
    ).to.equal(1);
  });

  it('when the same event is delivered again, then nothing is sent again and the result says already notified', async () => {
    const app = inMemoryNotification();
    const event = aBookingHeldNotice();
    await notifyBookingEvent(event, app.deps);

    const again = await notifyBookingEvent(event, app.deps);

    expect(again).to.deep.equal({ result: 'already-notified' });
    expect(app.mailer.sent).to.have.length(1);
  });

  it('when the booking has neither an address nor a number, then nobody is notified and nothing is logged', async () => {
    const app = inMemoryNotification();

    const result = await notifyBookingEvent(
      aBookingHeldNotice({ patient: { firstName: 'Anna', lastName: 'Beispiel' } }),
      app.deps,
    );

    expect(result).to.deep.equal({ result: 'nobody-to-notify' });
    expect(app.mailer.sent).to.have.length(0);
    expect(app.messageLog.rows.size).to.equal(0);
  });

  it('when a booking is confirmed with staff copies on, then the patient gets the calendar file (REQUEST, SEQUENCE 0) and the staff copy has none', async () => {
    const app = inMemoryNotification({ settings: staffCopies });
    const event = aBookingConfirmedNotice();

    expect(await notifyBookingEvent(event, app.deps)).to.deep.equal({ result: 'notified' });

    const [toPatient] = app.mailer.to(patient);
    const [toStaff] = app.mailer.to('empfang@praxis-muster.example');
    expect(toPatient?.calendar?.method).to.equal('REQUEST');
    expect(toPatient?.calendar?.content).to.match(/SEQUENCE:0\r?\n/);
    expect(toStaff?.subject).to.match(/^\[Kopie\]/);
    expect(toStaff?.calendar).to.equal(undefined);
    expect(Object.values(app.messageLog.of(event.id)).map((row) => row.status)).to.deep.equal(['sent', 'sent']);
  });

  it('when a confirmed booking is changed and then cancelled, then each calendar file carries the next SEQUENCE and the last one cancels', async () => {
    const app = inMemoryNotification();
    const confirmed = aBookingConfirmedNotice();
    const { bookingId } = confirmed.data.booking;

    await notifyBookingEvent(confirmed, app.deps);
    await notifyBookingEvent(aBookingChangedNotice({ bookingId }), app.deps);
    await notifyBookingEvent(aBookingCancelledEvent({ bookingId }), app.deps);

    const files = app.mailer.to(patient).map((email) => email.calendar);
    expect(files.map((file) => file?.method)).to.deep.equal(['REQUEST', 'REQUEST', 'CANCEL']);
    expect(files.map((file) => /SEQUENCE:(\d+)/.exec(file?.content ?? '')?.[1])).to.deep.equal(['0', '1', '2']);
  });

  it('when sending to the patient fails for now, then the staff copy still goes, the failure is logged and counted, and the event is to be tried again', async () => {
    const app = inMemoryNotification({ settings: staffCopies });
    app.mailer.refuse = (to) => (to === patient ? temporarily() : undefined);
    const event = aBookingConfirmedNotice();

    const result = await notifyBookingEvent(event, app.deps);

    expect(result).to.deep.equal({ result: 'try-again', reason: 'send-failed', detail: 'SMTP ESOCKET' });
    expect(app.mailer.to('empfang@praxis-muster.example')).to.have.length(1);
    expect(app.messageLog.of(event.id)[patient]).to.deep.include({ status: 'failed', lastError: 'connection refused' });
    expect(
      await app.counter('notifications_failed_total', {
        kind: 'confirmation',
        audience: 'patient',
        permanent: 'false',
      }),
    ).to.equal(1);
  });

  it('when the event is delivered again after a temporary failure, then only the unsent message goes out', async () => {
    const app = inMemoryNotification({ settings: staffCopies });
    app.mailer.refuse = (to) => (to === patient ? temporarily() : undefined);
    const event = aBookingConfirmedNotice();
    await notifyBookingEvent(event, app.deps);
    app.mailer.refuse = () => undefined;

    const result = await notifyBookingEvent(event, app.deps);

    expect(result).to.deep.equal({ result: 'notified' });
    expect(app.mailer.to(patient)).to.have.length(1);
    expect(app.mailer.to('empfang@praxis-muster.example')).to.have.length(1);
    expect(app.messageLog.of(event.id)[patient]).to.deep.include({ status: 'sent', attempts: 2 });
  });

  it('when the mail server refuses the patient address for good, then it is recorded as rejected, not retried, and the staff copy still goes', async () => {
    const app = inMemoryNotification({ settings: staffCopies });
    app.mailer.refuse = (to) => (to === patient ? permanently() : undefined);
    const event = aBookingCancelledEvent();

    const result = await notifyBookingEvent(event, app.deps);

    expect(result).to.deep.equal({ result: 'notified' });
    expect(app.messageLog.of(event.id)[patient]).to.deep.include({ status: 'rejected' });
    expect(app.mailer.to('empfang@praxis-muster.example')).to.have.length(1);
    expect(await notifyBookingEvent(event, app.deps)).to.deep.equal({ result: 'already-notified' });
  });

  it('when the mailer fails with an error it did not classify, then it counts as temporary and names only its type', async () => {
    const app = inMemoryNotification();
    app.mailer.refuse = () => new TypeError(`cannot send to ${patient}`);
    const event = aBookingExpiredEvent();

    const result = await notifyBookingEvent(event, app.deps);

    expect(result).to.deep.equal({ result: 'try-again', reason: 'send-failed', detail: 'unexpected TypeError' });
    expect(app.messageLog.of(event.id)[patient]?.lastError).to.include('cannot send to');
  });

  it('when another delivery of the event is sending the message right now, then nothing is sent and the event is to be tried again', async () => {
    const app = inMemoryNotification();
    const event = aBookingHeldNotice();
    app.messageLog.rows.set(
      InMemoryMessageLog.keyOf({ eventId: event.id, recipient: patient, kind: 'provisional-request' }),
      {
        status: 'sending',
        attempts: 1,
      },
    );

    const result = await notifyBookingEvent(event, app.deps);

    expect(result).to.deep.include({ result: 'try-again', reason: 'being-sent' });
    expect(app.mailer.sent).to.have.length(0);
  });

  it('when the patient chose SMS and the practice sends SMS, then the request goes by SMS with a reference per message', async () => {
    const app = inMemoryNotification({ settings: { smsEnabled: true } });
    const event = aBookingHeldNotice({
      channel: 'sms',
      patient: { firstName: 'Anna', lastName: 'Beispiel', phone: '+41791234567' },
    });

    expect(await notifyBookingEvent(event, app.deps)).to.deep.equal({ result: 'notified' });

    expect(app.sms.sent).to.have.length(1);
    expect(app.sms.sent[0]).to.deep.include({
      to: '+41791234567',
      from: 'PraxMuster',
      reference: `${event.id}:provisional-request`,
    });
    expect(app.mailer.sent).to.have.length(0);
  });

  it('when the patient chose SMS but no SMS provider is configured, then the request goes by e-mail', async () => {
    const app = inMemoryNotification({ settings: { smsEnabled: true }, sms: false });
    const event = aBookingHeldNotice({
      channel: 'sms',
      patient: { firstName: 'Anna', lastName: 'Beispiel', phone: '+41791234567', email: patient },
    });

    expect(await notifyBookingEvent(event, app.deps)).to.deep.equal({ result: 'notified' });

    expect(app.mailer.to(patient)).to.have.length(1);
  });
});
