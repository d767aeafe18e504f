import { aWaitlistJoinedNotice, aWaitlistOfferedNotice, waitFor } from '@otk/test-kit';
import { expect } from 'chai';
import { type NotificationHarness, aPatient, startNotificationHarness } from './support/notification-harness.js';

const siteUrl = 'https://onlinetermine.praxis-muster.example';

describe('notification: waiting-list messages on the real broker, database and SMTP server', function () {
  this.timeout(60000);
  let harness: NotificationHarness;

  before(async () => {
    harness = await startNotificationHarness();
  });
  after(async () => {
    await harness?.stop();
  });
  beforeEach(async () => {
    await harness.useSettings();
  });

  it('when a patient joins the waiting list, then they get the confirm link by e-mail, and a redelivery sends nothing more', async () => {
    const patient = aPatient();
    const notice = aWaitlistJoinedNotice({ patient, language: 'fr' });
    await harness.publish(notice);
    await harness.publish(notice);
    const mail = await waitFor(() => harness.mailsTo(patient.email)[0], {
      what: 'the confirm e-mail',
      timeoutMs: 15000,
    });
    expect(mail.subject).to.equal('Veuillez confirmer votre place sur la liste d’attente de Zahnarztpraxis Dr. Muster');
    expect(mail.text).to.include(`${siteUrl}/waitlist/confirm?token=${notice.data.confirmToken}`);
    // The log marks the message sent once the mail server took it.
    const rows = await waitFor(
      async () => {
        const { rows } = await harness.pool.query(
          `SELECT kind, booking_id, status FROM notification.message_log WHERE event_id = $1`,
          [notice.id],
        );
        return rows[0]?.status === 'sent' ? rows : undefined;
      },
      { what: 'the message marked sent', timeoutMs: 15000 },
    );
    expect(rows).to.deep.equal([
      { kind: 'waitlist-confirm-request', booking_id: notice.data.entry.entryId, status: 'sent' },
    ]);
    expect(harness.mailsTo(patient.email)).to.have.length(1);
  });

  it('when a freed slot is offered, then the e-mail carries the offer link and the leave link, and no calendar file', async () => {
    const patient = aPatient();
    const notice = aWaitlistOfferedNotice({ patient });
    await harness.publish(notice);
    const mail = await waitFor(() => harness.mailsTo(patient.email)[0], { what: 'the offer e-mail', timeoutMs: 15000 });
    expect(mail.subject).to.equal('Bei Zahnarztpraxis Dr. Muster ist ein Termin frei geworden');
    expect(mail.html).to.include(`href="${siteUrl}/waitlist/offer?token=${notice.data.offerToken}&#38;lang=de"`);
    expect(mail.text).to.include(`${siteUrl}/waitlist/leave?token=${notice.data.leaveToken}&lang=de`);
    expect(mail.text).to.include('Montag, 7. Januar 2030, 09:00–09:30');
    expect(mail.attachments).to.have.length(0);
  });
});
