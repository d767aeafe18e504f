import { aBookingConfirmedNotice, aBookingHeldNotice, waitFor } from '@otk/test-kit';
import { expect } from 'chai';
import {
  type NotificationHarness,
  aPatient,
  counterValue,
  startNotificationHarness,
} from './support/notification-harness.js';
import { type SmsProviderServer, startSmsProviderServer } from './support/sms-provider-server.js';

describe('notification when sending fails', function () {
  this.timeout(90000);
  let harness: NotificationHarness;

  before(async () => {
    harness = await startNotificationHarness(
      // 8 attempts over about 8 s: quick enough to watch an event reach the dead-letter queue.
      { NOTIFICATION_RETRY_DELAYS_MS: '200,400,800,1600', NOTIFICATION_MAX_ATTEMPTS: '8' },
      { rejectRecipient: (address) => address.startsWith('unknown.') },
    );
    await harness.useSettings();
  });
  after(async () => {
    await harness?.stop();
  });

  const logRows = async (eventId: string) =>
    (
      await harness.pool.query<{ status: string; attempts: number; last_error: string | null }>(
        'SELECT status, attempts, last_error FROM notification.message_log WHERE event_id = $1',
        [eventId],
      )
    ).rows;

  it('when the SMTP server is down while events arrive and comes back, then every message arrives exactly once', async () => {
    const failedBefore = counterValue(await harness.metrics(), 'notifications_failed_total', {
      kind: 'provisional-request',
      permanent: 'false',
    });
    await harness.stopSmtp();
    const patients = Array.from({ length: 6 }, () => aPatient());
    for (const patient of patients) await harness.publish(aBookingHeldNotice({ patient }));
    await waitFor(
      async () =>
        counterValue(await harness.metrics(), 'notifications_failed_total', {
          kind: 'provisional-request',
          permanent: 'false',
        }) >=
        failedBefore + patients.length
          ? true
          : undefined,
      { what: 'failed attempts while the SMTP server is down' },
    );
    await harness.restartSmtp();

    await waitFor(() => (patients.every((p) => harness.mailsTo(p.email).length >= 1) ? true : undefined), {
      timeoutMs: 20000,
      what: 'every e-mail after the SMTP server came back',
    });
    await new Promise((resolve) => setTimeout(resolve, 1500)); // time for a duplicate to show up, if any
    for (const patient of patients) expect(harness.mailsTo(patient.email), 'one e-mail each').to.have.length(1);
  });

  it('when the mail server refuses an address with 5xx, then that message is recorded as rejected, not retried, and the others still go', async () => {
    await harness.useSettings({ staffCopies: true, staffAddresses: ['empfang@praxis-muster.example'] });
    const staffBefore = harness.mailsTo('empfang@praxis-muster.example').length;
    const rejectedBefore = counterValue(await harness.metrics(), 'notifications_failed_total', {
      kind: 'confirmation',
      audience: 'patient',
      permanent: 'true',
    });
    const event = aBookingConfirmedNotice({ patient: { ...aPatient(), email: `unknown.${Date.now()}@example.org` } });
    await harness.publish(event);

    await waitFor(() => harness.mailsTo('empfang@praxis-muster.example')[staffBefore], { what: 'the staff copy' });
    const rows = await waitFor(
      async () => {
        const r = await logRows(event.id);
        return r.some((row) => row.status === 'rejected') ? r : undefined;
      },
      { what: 'the rejected message in the log' },
    );
    await new Promise((resolve) => setTimeout(resolve, 1500)); // a retry would have come by now
    const patientRow = (await logRows(event.id)).find((row) => row.status === 'rejected');
    expect(patientRow?.attempts).to.equal(1);
    expect(patientRow?.last_error).to.match(/550/);
    expect(rows.map((r) => r.status).sort()).to.deep.equal(['rejected', 'sent']);
    expect(
      counterValue(await harness.metrics(), 'notifications_failed_total', {
        kind: 'confirmation',
        audience: 'patient',
        permanent: 'true',
      }),
    ).to.equal(rejectedBefore + 1);
    expect(
      counterValue(await harness.metrics(), 'messaging_dead_lettered_total', { queue: 'notification.events' }),
    ).to.equal(0);
  });

  it('when the SMTP server stays down, then the event is retried with backoff and parked in the dead-letter queue after the last attempt', async () => {
    await harness.useSettings();
    await harness.stopSmtp();
    try {
      const event = aBookingHeldNotice({ patient: aPatient() });
      await harness.publish(event);
      await waitFor(
        async () =>
          counterValue(await harness.metrics(), 'messaging_dead_lettered_total', {
            queue: 'notification.events',
            reason: 'failed',
          }) === 1
            ? true
            : undefined,
        { timeoutMs: 30000, what: 'the event in the dead-letter queue' },
      );
      const [row] = await logRows(event.id);
      expect(row).to.deep.include({ status: 'failed', attempts: 8 });
    } finally {
      await harness.restartSmtp();
    }
  });
});

describe('notification when the database goes away during a send', function () {
  this.timeout(60000);
  let harness: NotificationHarness;
  /** Cuts the service off its database as the mail server takes the next message, for 2 s. */
  let cutOnNextMessage = false;

  before(async () => {
    harness = await startNotificationHarness(
      {},
      {
        beforeAccepting: () => {
          if (!cutOnNextMessage) return;
          cutOnNextMessage = false;
          harness.databaseLink.cut();
          setTimeout(() => harness.databaseLink.restore(), 2000);
        },
      },
    );
    await harness.useSettings();
  });
  after(async () => {
    await harness?.stop();
  });

  it('when the database is unreachable right after the mail server took an e-mail, then the e-mail is recorded as sent once the database is back and never sent again', async () => {
    const patient = aPatient();
    const event = aBookingHeldNotice({ patient });
    cutOnNextMessage = true;

    await harness.publish(event);

    await waitFor(
      async () => {
        const { rows } = await harness.pool.query<{ status: string }>(
          'SELECT status FROM notification.message_log WHERE event_id = $1',
          [event.id],
        );
        return rows[0]?.status === 'sent' ? true : undefined;
      },
      // Well within the claim lease: the mark comes from the process that sent, not from a resend.
      { timeoutMs: 10000, what: 'the e-mail to be recorded as sent' },
    );
    await new Promise((resolve) => setTimeout(resolve, 2000)); // time for a duplicate to show up, if any
    const mails = harness.mailsTo(patient.email);
    expect(mails, 'one e-mail').to.have.length(1);
    expect(mails[0]?.messageId).to.match(new RegExp(`^<${event.id}\\.provisional-request\\.[0-9a-f]{16}@`));
  });
});

describe('notification when the database goes away while an SMS is accepted', function () {
  this.timeout(60000);
  let provider: SmsProviderServer;
  let harness: NotificationHarness;
  /** Cuts the service off its database as the provider takes the next SMS, for 2 s. */
  let cutOnNextSms = false;

  before(async () => {
    provider = await startSmsProviderServer('twilio', {
      beforeAnswering: () => {
        if (!cutOnNextSms) return;
        cutOnNextSms = false;
        harness.databaseLink.cut();
        setTimeout(() => harness.databaseLink.restore(), 2000);
      },
    });
    harness = await startNotificationHarness({
      SMS_PROVIDER: 'twilio',
      SMS_API_URL: provider.url,
      SMS_ACCOUNT_ID: 'AC0123456789abcdef0123456789abcdef',
      SMS_API_KEY: 'test-auth-token',
    });
    await harness.useSettings({ smsEnabled: true });
  });
  after(async () => {
    await harness?.stop();
    await provider?.stop();
  });

  it('when the database is unreachable right after the provider accepted an SMS, then the SMS is recorded as sent once the database is back and never sent again', async () => {
    const patient = { firstName: 'Anna', lastName: 'Beispiel', phone: '+41791234567' };
    const event = aBookingHeldNotice({ channel: 'sms', patient });
    cutOnNextSms = true;

    await harness.publish(event);

    const row = await waitFor(
      async () => {
        const { rows } = await harness.pool.query<{ status: string; provider_message_id: string | null }>(
          'SELECT status, provider_message_id FROM notification.message_log WHERE event_id = $1',
          [event.id],
        );
        return rows[0]?.status === 'sent' ? rows[0] : undefined;
      },
      // Well within the claim lease: the mark comes from the process that sent, not from a resend.
      { timeoutMs: 10000, what: 'the SMS to be recorded as sent' },
    );
    await new Promise((resolve) => setTimeout(resolve, 2000)); // time for a duplicate to show up, if any
    const sent = provider.requests.filter((r) => new URLSearchParams(r.body).get('To') === patient.phone);
    expect(cutOnNextSms, 'the database was cut as the provider took the SMS').to.equal(false);
    expect(sent, 'one SMS').to.have.length(1);
    expect(row.provider_message_id).to.match(/^SM[0-9a-f]{32}$/);
  });
});
