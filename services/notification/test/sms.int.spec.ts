import { aBookingConfirmedNotice, aBookingHeldNotice, waitFor } from '@otk/test-kit';
import { expect } from 'chai';
import { SegmentedMessage } from 'sms-segments-calculator';
import { type NotificationHarness, counterValue, startNotificationHarness } from './support/notification-harness.js';
import { type SmsProviderServer, startSmsProviderServer } from './support/sms-provider-server.js';

let phoneCounter = 0;
/** A patient who chose SMS, with a number of their own. */
function anSmsPatient(): { firstName: string; lastName: string; phone: string } {
  phoneCounter += 1;
  return { firstName: 'Anna', lastName: 'Beispiel', phone: `+4179${String(1000000 + phoneCounter).slice(-7)}` };
}

const accountSid = 'AC0123456789abcdef0123456789abcdef';
const authToken = 'test-auth-token';

describe('SMS through the Twilio adapter, against a server implementing its Messages API', function () {
  this.timeout(60000);
  let provider: SmsProviderServer;
  let harness: NotificationHarness;

  before(async () => {
    provider = await startSmsProviderServer('twilio');
    harness = await startNotificationHarness({
      SMS_PROVIDER: 'twilio',
      SMS_API_URL: provider.url,
      SMS_ACCOUNT_ID: accountSid,
      SMS_API_KEY: authToken,
    });
    await harness.useSettings({ smsEnabled: true });
  });
  after(async () => {
    await harness?.stop();
    await provider?.stop();
  });

  const requestsTo = (phone: string) =>
    provider.requests.filter((r) => new URLSearchParams(r.body).get('To') === phone);

  it('when a patient who chose SMS places a hold, then one request in Twilio’s documented shape carries a two-segment text with the confirm link', async () => {
    const patient = anSmsPatient();
    const event = aBookingHeldNotice({ channel: 'sms', language: 'fr', patient });
    await harness.publish(event);
    const [request] = await waitFor(() => (requestsTo(patient.phone).length ? requestsTo(patient.phone) : undefined), {
      what: 'the SMS request',
    });

    expect(request!.method).to.equal('POST');
    expect(request!.path).to.equal(`/2010-04-01/Accounts/${accountSid}/Messages.json`);
    expect(request!.headers.authorization).to.equal(
      `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`,
    );
    expect(request!.headers['content-type']).to.equal('application/x-www-form-urlencoded');
    const form = new URLSearchParams(request!.body);
    expect([...form.keys()].sort()).to.deep.equal(['Body', 'From', 'To']);
    expect(form.get('From')).to.equal('PraxMuster');
    const text = form.get('Body')!;
    expect(text).to.include(`https://onlinetermine.praxis-muster.example/confirm?token=${event.data.confirmToken}`);
    expect(text).to.include('09:00');
    const segments = new SegmentedMessage(text);
    expect(segments.encodingName).to.equal('GSM-7');
    expect(segments.segmentsCount).to.be.at.most(2);
    expect(harness.mailsTo(patient.phone)).to.have.length(0);

    const row = await waitFor(
      async () => {
        const { rows } = await harness.pool.query<{ status: string; provider_message_id: string }>(
          'SELECT status, provider_message_id FROM notification.message_log WHERE event_id = $1',
          [event.id],
        );
        return rows[0]?.status === 'sent' ? rows[0] : undefined;
      },
      { what: 'the sent SMS in the log' },
    );
    expect(row.provider_message_id).to.match(/^SM[0-9a-f]{32}$/);
  });

  it('when the provider answers 5xx, then the SMS is retried until it is accepted, and sent once', async () => {
    const patient = anSmsPatient();
    provider.answerWith(patient.phone, 503, 500);
    await harness.publish(aBookingConfirmedNotice({ channel: 'sms', patient }));
    await waitFor(() => (requestsTo(patient.phone).length === 3 ? true : undefined), {
      what: 'two refused attempts and an accepted one',
    });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(requestsTo(patient.phone)).to.have.length(3);
    expect(
      counterValue(await harness.metrics(), 'notifications_sent_total', { channel: 'sms', kind: 'confirmation' }),
    ).to.equal(1);
  });

  it('when the provider answers 4xx, then the SMS is recorded as rejected and not retried', async () => {
    const patient = anSmsPatient();
    provider.answerWith(patient.phone, 400);
    const event = aBookingHeldNotice({ channel: 'sms', patient });
    await harness.publish(event);
    await waitFor(() => (requestsTo(patient.phone).length === 1 ? true : undefined), { what: 'the refused attempt' });
    await new Promise((resolve) => setTimeout(resolve, 1500)); // retries come after 300 ms here
    expect(requestsTo(patient.phone)).to.have.length(1);
    const { rows } = await harness.pool.query<{ status: string; attempts: number }>(
      'SELECT status, attempts FROM notification.message_log WHERE event_id = $1',
      [event.id],
    );
    expect(rows).to.deep.equal([{ status: 'rejected', attempts: 1 }]);
    expect(
      counterValue(await harness.metrics(), 'notifications_failed_total', { channel: 'sms', permanent: 'true' }),
    ).to.equal(1);
  });

  it('when the practice has SMS switched off, then a patient who chose SMS and gave an address gets e-mail', async () => {
    await harness.useSettings({ smsEnabled: false });
    try {
      const patient = { ...anSmsPatient(), email: `sms.off.${phoneCounter}@example.org` };
      await harness.publish(aBookingHeldNotice({ channel: 'sms', patient }));
      await waitFor(() => harness.mailsTo(patient.email)[0], { what: 'the e-mail instead of the SMS' });
      expect(requestsTo(patient.phone)).to.have.length(0);
    } finally {
      await harness.useSettings({ smsEnabled: true });
    }
  });
});

describe('SMS through the generic JSON adapter', function () {
  this.timeout(60000);
  let provider: SmsProviderServer;
  let harness: NotificationHarness;

  before(async () => {
    provider = await startSmsProviderServer('http');
    harness = await startNotificationHarness({
      SMS_PROVIDER: 'http',
      SMS_API_URL: `${provider.url}/v1/sms`,
      SMS_API_KEY: 'generic-key',
    });
    await harness.useSettings({ smsEnabled: true });
  });
  after(async () => {
    await harness?.stop();
    await provider?.stop();
  });

  it('when an SMS goes out, then it is POSTed as JSON with a bearer token and a stable reference; a 5xx is retried with the same reference', async () => {
    const patient = anSmsPatient();
    provider.answerWith(patient.phone, 502);
    const event = aBookingConfirmedNotice({ channel: 'sms', language: 'it', patient });
    await harness.publish(event);
    await waitFor(() => (provider.requests.length === 2 ? true : undefined), {
      what: 'a refused and an accepted request',
    });

    for (const request of provider.requests) {
      expect(request.path).to.equal('/v1/sms');
      expect(request.headers.authorization).to.equal('Bearer generic-key');
      expect(request.headers['content-type']).to.equal('application/json');
    }
    const [first, second] = provider.requests.map((r) => JSON.parse(r.body) as Record<string, string>);
    expect(first).to.deep.equal(second);
    expect(Object.keys(first!).sort()).to.deep.equal(['from', 'reference', 'text', 'to']);
    expect(first).to.deep.include({ to: patient.phone, from: 'PraxMuster', reference: `${event.id}:confirmation` });
    expect(first!.text).to.include(`/manage?token=${event.data.manageToken}`);
  });
});
