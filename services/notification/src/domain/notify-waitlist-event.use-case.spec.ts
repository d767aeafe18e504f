import { aWaitlistConfirmedNotice, aWaitlistJoinedNotice, aWaitlistOfferedNotice } from '@otk/test-kit';
import { expect } from 'chai';
import {
  InMemoryMessageLog,
  inMemoryNotification,
  permanently,
  temporarily,
} from '../../test/support/in-memory-ports.js';
import { notifyWaitlistEvent } from './notify-waitlist-event.use-case.js';

const patient = 'wanda.warteliste@example.org';
const phone = '+41791234567';
const staffCopies = { staffCopies: true, staffAddresses: ['empfang@praxis-muster.example'] };

describe('notifying about a place on the waiting list (use case, in memory)', () => {
  it('when a patient asks for a place, then they get the link to confirm it once, logged under their entry', async () => {
    const app = inMemoryNotification();
    const notice = aWaitlistJoinedNotice();

    const result = await notifyWaitlistEvent(notice, app.deps);

    expect(result).to.deep.equal({ result: 'notified' });
    const [mail, ...more] = app.mailer.to(patient);
    expect(more).to.have.length(0);
    expect(mail?.subject).to.match(/^Bitte bestätigen Sie Ihren Platz auf der Warteliste/);
    expect(mail?.text).to.include(`/waitlist/confirm?token=${notice.data.confirmToken}`);
    expect(app.messageLog.of(notice.id)[patient]).to.deep.include({
      status: 'sent',
      bookingId: notice.data.entry.entryId,
      audience: 'patient',
      channel: 'email',
    });
    expect(
      await app.counter('notifications_sent_total', { kind: 'waitlist-confirm-request', audience: 'patient' }),
    ).to.equal(1);
  });

  it('when the place is confirmed, then the patient hears that they are on the list, with the link to leave it', async () => {
    const app = inMemoryNotification();
    const notice = aWaitlistConfirmedNotice();

    expect(await notifyWaitlistEvent(notice, app.deps)).to.deep.equal({ result: 'notified' });

    expect(app.mailer.to(patient)[0]?.subject).to.match(/^Sie stehen auf der Warteliste/);
    expect(app.mailer.to(patient)[0]?.text).to.include(`/waitlist/leave?token=${notice.data.leaveToken}`);
  });

  it('when a slot is offered and the practice wants staff copies, then only the patient hears of it', async () => {
    const app = inMemoryNotification({ settings: staffCopies });
    const notice = aWaitlistOfferedNotice();

    expect(await notifyWaitlistEvent(notice, app.deps)).to.deep.equal({ result: 'notified' });

    expect(app.mailer.sent.map((mail) => mail.to)).to.deep.equal([patient]);
    expect(app.mailer.sent[0]?.subject).to.match(/ist ein Termin frei geworden$/);
    expect(app.mailer.sent[0]?.text).to.include(`/waitlist/offer?token=${notice.data.offerToken}`);
  });

  it('when the same notice is delivered again, then nothing is sent again and the result says already notified', async () => {
    const app = inMemoryNotification();
    const notice = aWaitlistOfferedNotice();
    await notifyWaitlistEvent(notice, app.deps);

    expect(await notifyWaitlistEvent(notice, app.deps)).to.deep.equal({ result: 'already-notified' });
    expect(app.mailer.sent).to.have.length(1);
  });

  it('when the patient chose SMS and the practice sends SMS, then the offer goes by SMS with a reference per message', async () => {
    const app = inMemoryNotification({ settings: { smsEnabled: true } });
    const notice = aWaitlistOfferedNotice({
      channel: 'sms',
      patient: { firstName: 'Wanda', lastName: 'Warteliste', email: patient, phone },
    });

    expect(await notifyWaitlistEvent(notice, app.deps)).to.deep.equal({ result: 'notified' });

    expect(app.sms.sent).to.have.length(1);
    expect(app.sms.sent[0]).to.deep.include({
      to: phone,
      from: 'PraxMuster',
      reference: `${notice.id}:waitlist-offer`,
    });
    expect(app.sms.sent[0]?.text).to.include(`/waitlist/offer?token=${notice.data.offerToken}`);
    expect(app.mailer.sent).to.have.length(0);
  });

  it('when the patient chose SMS but no SMS provider is configured, then the message goes by e-mail', async () => {
    const app = inMemoryNotification({ settings: { smsEnabled: true }, sms: false });
    const notice = aWaitlistConfirmedNotice({
      channel: 'sms',
      patient: { firstName: 'Wanda', lastName: 'Warteliste', email: patient, phone },
    });

    expect(await notifyWaitlistEvent(notice, app.deps)).to.deep.equal({ result: 'notified' });

    expect(app.mailer.to(patient)).to.have.length(1);
  });

  it('when the patient gave neither an address nor a number the practice can use, then nobody is notified and nothing is logged', async () => {
    const app = inMemoryNotification();
    const notice = aWaitlistJoinedNotice({
      channel: 'sms',
      patient: { firstName: 'Wanda', lastName: 'Warteliste', phone },
    });

    expect(await notifyWaitlistEvent(notice, app.deps)).to.deep.equal({ result: 'nobody-to-notify' });
    expect(app.sms.sent).to.have.length(0);
    expect(app.messageLog.rows.size).to.equal(0);
  });

  it('when sending fails for now, then the failure is logged and counted, and the notice is to be tried again', async () => {
    const app = inMemoryNotification();
    app.mailer.refuse = () => temporarily();
    const notice = aWaitlistOfferedNotice();

    const result = await notifyWaitlistEvent(notice, app.deps);

    expect(result).to.deep.equal({ result: 'try-again', reason: 'send-failed', detail: 'SMTP ESOCKET' });
    expect(app.messageLog.of(notice.id)[patient]).to.deep.include({ status: 'failed' });
    expect(await app.counter('notifications_failed_total', { kind: 'waitlist-offer', permanent: 'false' })).to.equal(1);
    app.mailer.refuse = () => undefined;
    expect(await notifyWaitlistEvent(notice, app.deps)).to.deep.equal({ result: 'notified' });
    expect(app.mailer.to(patient)).to.have.length(1);
  });

  it('when the mail server refuses the address for good, then it is recorded as rejected and not tried again', async () => {
    const app = inMemoryNotification();
    app.mailer.refuse = () => permanently();
    const notice = aWaitlistJoinedNotice();

    expect(await notifyWaitlistEvent(notice, app.deps)).to.deep.equal({ result: 'notified' });
    expect(app.messageLog.of(notice.id)[patient]).to.deep.include({ status: 'rejected' });
    expect(await notifyWaitlistEvent(notice, app.deps)).to.deep.equal({ result: 'already-notified' });
  });

  it('when another delivery of the notice is sending the message right now, then nothing is sent and it is to be tried again', async () => {
    const app = inMemoryNotification();
    const notice = aWaitlistOfferedNotice();
    app.messageLog.rows.set(
      InMemoryMessageLog.keyOf({ eventId: notice.id, recipient: patient, kind: 'waitlist-offer' }),
      {
        status: 'sending',
        attempts: 1,
      },
    );

    expect(await notifyWaitlistEvent(notice, app.deps)).to.deep.include({ result: 'try-again', reason: 'being-sent' });
    expect(app.mailer.sent).to.have.length(0);
  });
});
