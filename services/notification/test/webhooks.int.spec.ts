import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { EventOf, EventType } from '@otk/contracts';
import {
  aBookingCancelledEvent,
  aBookingConfirmedEvent,
  aBookingExpiredEvent,
  aBookingHeldEvent,
  aBookingSnapshot,
  waitFor,
} from '@otk/test-kit';
import { expect } from 'chai';
import { Webhook } from 'standardwebhooks';
import { webhookEndpointRepository } from '../src/data-access/webhook-endpoint.repository.js';
import {
  type PersonalDataLevel,
  type WebhookEventType,
  newWebhookSecret,
  webhookEventTypes,
} from '../src/domain/webhooks/webhook-endpoint.js';
import { type NotificationHarness, aPatient, startNotificationHarness } from './support/notification-harness.js';
import { type ReceivedWebhook, type WebhookReceiver, startWebhookReceiver } from './support/webhook-receiver.js';

const run = promisify(execFile);
/** The service's entry point, run from its source as the other tests run the services (no build needed). */
const main = ['--conditions=development', '--import', 'tsx', fileURLToPath(new URL('../src/main.ts', import.meta.url))];

/** The same event at `secondsLater`: the events of one booking happen one after another. */
function later<T extends EventType>(event: EventOf<T>, secondsLater: number): EventOf<T> {
  return { ...event, occurredAt: new Date(Date.now() + secondsLater * 1000).toISOString() };
}

const headersOf = (request: ReceivedWebhook) => request.headers as Record<string, string>;
const bookingIdOf = (request: ReceivedWebhook) =>
  (JSON.parse(request.body) as { data: { bookingId: string } }).data.bookingId;

describe('webhooks', function () {
  this.timeout(60000);
  let harness: NotificationHarness;
  let receiver: WebhookReceiver;
  const staffAddress = 'praxis-it@praxis-muster.example';

  before(async () => {
    [harness, receiver] = await Promise.all([
      startNotificationHarness({
        WEBHOOK_POLL_INTERVAL_MS: '50',
        WEBHOOK_RETRY_DELAYS_MS: '100',
        WEBHOOK_MAX_ATTEMPTS: '12',
        // Six failed attempts in a row disable an endpoint (the flaky receivers below fail five times).
        WEBHOOK_DISABLE_AFTER_FAILURES: '6',
        WEBHOOK_DISABLE_AFTER_MS: '1',
      }),
      startWebhookReceiver(),
    ]);
    await harness.useSettings({ staffAddresses: [staffAddress] });
  });
  after(async () => {
    await harness?.stop();
    await receiver?.stop();
  });

  async function anEndpoint(
    path: string,
    options: { personalData?: PersonalDataLevel; eventTypes?: WebhookEventType[] } = {},
  ): Promise<{ id: string; secret: string }> {
    const secret = newWebhookSecret();
    const endpoint = await webhookEndpointRepository(harness.pool).addEndpoint({
      url: `${receiver.url}${path}`,
      description: path,
      eventTypes: options.eventTypes ?? [...webhookEventTypes],
      personalData: options.personalData ?? 'none',
      secret,
    });
    return { id: endpoint.id, secret };
  }

  const removeEndpoint = (id: string) => webhookEndpointRepository(harness.pool).remove(id);

  it('when an event is delivered, then its signature verifies with the reference verification and the body is the event', async () => {
    const endpoint = await anEndpoint('/signed');
    const event = aBookingConfirmedEvent({ patient: aPatient() });
    await harness.publish(event);

    const [request] = await waitFor(() => receiver.accepted('/signed')[0] && receiver.accepted('/signed'), {
      what: 'the webhook',
    });
    const payload = new Webhook(endpoint.secret).verify(request!.body, headersOf(request!)) as Record<string, unknown>;
    expect(request!.headers['webhook-id']).to.equal(event.id);
    expect(request!.headers['content-type']).to.equal('application/json');
    expect(payload).to.deep.include({ type: 'booking.confirmed', timestamp: event.occurredAt });
    expect(payload.data).to.deep.include({ bookingId: event.data.booking.bookingId, status: 'confirmed' });
    expect(() => new Webhook(newWebhookSecret()).verify(request!.body, headersOf(request!))).to.throw();
    await removeEndpoint(endpoint.id);
  });

  it('when the receiver fails 5 times, then it gets the event later, exactly once, and the log says delivered', async () => {
    const endpoint = await anEndpoint('/flaky');
    receiver.failNext('/flaky', 5);
    const event = aBookingHeldEvent({ patient: aPatient() });
    await harness.publish(event);

    await waitFor(() => receiver.accepted('/flaky')[0], { what: 'the delivery after 5 failures' });
    await new Promise((resolve) => setTimeout(resolve, 800)); // time for a duplicate to show up, if any
    const requests = receiver.received.filter((r) => r.path === '/flaky');
    expect(requests.map((r) => r.status)).to.deep.equal([503, 503, 503, 503, 503, 204]);
    expect(new Set(requests.map((r) => r.headers['webhook-id']))).to.deep.equal(new Set([event.id]));
    const { rows } = await harness.pool.query(
      `SELECT status, attempts, last_http_status, payload FROM notification.webhook_deliveries WHERE endpoint_id = $1`,
      [endpoint.id],
    );
    expect(rows).to.deep.equal([{ status: 'delivered', attempts: 6, last_http_status: 204, payload: null }]);
    await removeEndpoint(endpoint.id);
  });

  it('when the first event of a booking fails at first, then held, confirmed and cancelled still arrive in that order', async () => {
    const endpoint = await anEndpoint('/ordered');
    receiver.failNext('/ordered', 3);
    const booking = aBookingSnapshot({ patient: aPatient() });
    const held = later(aBookingHeldEvent(booking), 0);
    const confirmed = later(aBookingConfirmedEvent({ ...booking }), 1);
    const cancelled = later(aBookingCancelledEvent({ ...booking }), 2);
    for (const event of [held, confirmed, cancelled]) await harness.publish(event);

    await waitFor(() => (receiver.accepted('/ordered').length >= 3 ? true : undefined), { what: 'all three events' });
    const requests = receiver.received.filter((r) => r.path === '/ordered');
    const ids = requests.map((r) => r.headers['webhook-id']);
    expect(ids).to.deep.equal([held.id, held.id, held.id, held.id, confirmed.id, cancelled.id]);
    expect(requests.every((r) => bookingIdOf(r) === booking.bookingId)).to.equal(true);
    await removeEndpoint(endpoint.id);
  });

  it("when an endpoint is set to 'none', then its payload has no name, e-mail, phone, birth date or link token; 'contact' has the contact only", async () => {
    const none = await anEndpoint('/none', { personalData: 'none' });
    const contact = await anEndpoint('/contact', { personalData: 'contact' });
    const patient = { ...aPatient(), phone: '+41791234567', birthDate: '1980-04-12', street: 'Seeweg 3' };
    const event = aBookingHeldEvent({ patient });
    await harness.publish(event);

    const [noneBody] = await waitFor(() => receiver.accepted('/none')[0] && receiver.accepted('/none'), {
      what: 'none',
    });
    const [contactBody] = await waitFor(() => receiver.accepted('/contact')[0] && receiver.accepted('/contact'), {
      what: 'contact',
    });
    for (const personal of [
      patient.firstName,
      patient.lastName,
      patient.email,
      patient.phone,
      patient.birthDate,
      'Seeweg',
    ])
      expect(noneBody!.body).not.to.include(personal);
    expect(JSON.parse(noneBody!.body).data).not.to.have.property('patient');
    const contactData = JSON.parse(contactBody!.body).data as { patient: Record<string, string> };
    expect(contactData.patient).to.deep.equal({
      firstName: patient.firstName,
      lastName: patient.lastName,
      email: patient.email,
      phone: patient.phone,
    });
    await Promise.all([removeEndpoint(none.id), removeEndpoint(contact.id)]);
  });

  it('when an endpoint keeps failing, then it is disabled, the practice staff get an e-mail, and it gets no new events', async () => {
    const endpoint = await anEndpoint('/down', { eventTypes: ['booking.confirmed'] });
    receiver.failAlways('/down');
    await harness.publish(aBookingConfirmedEvent({ patient: aPatient() }));

    const mail = await waitFor(() => harness.mailsTo(staffAddress)[0], { what: 'the e-mail to the staff' });
    expect(mail.subject).to.equal(`Webhook abgeschaltet: ${receiver.url}/down`);
    expect(mail.text).to.include(endpoint.id);
    // The notice is marked sent right after the mail server took it.
    const row = await waitFor(async () => {
      const { rows } = await harness.pool.query(
        `SELECT enabled, disabled_reason, disabled_notice_pending FROM notification.webhook_endpoints WHERE id = $1`,
        [endpoint.id],
      );
      return rows[0]?.disabled_notice_pending === false ? rows[0] : undefined;
    });
    expect(row).to.deep.equal({ enabled: false, disabled_reason: 'failing', disabled_notice_pending: false });
    expect(receiver.received.filter((r) => r.path === '/down')).to.have.length(6);

    await harness.publish(aBookingConfirmedEvent({ patient: aPatient() }));
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(receiver.received.filter((r) => r.path === '/down')).to.have.length(6);
    expect(harness.mailsTo(staffAddress)).to.have.length(1);
    await removeEndpoint(endpoint.id);
  });

  it('when a second process sends too and stops while deliveries wait, then every event arrives exactly once', async () => {
    const endpoint = await anEndpoint('/two-processes', { eventTypes: ['booking.expired'] });
    const second = await harness.startSecondProcess({ WEBHOOK_RETRY_DELAYS_MS: '300' });
    // Five failures: one fewer than disable the endpoint here.
    receiver.failNext('/two-processes', 5);
    const events = Array.from({ length: 12 }, () => aBookingExpiredEvent({ patient: aPatient() }));
    for (const event of events) await harness.publish(event);
    await waitFor(() => (receiver.received.filter((r) => r.path === '/two-processes').length >= 5 ? true : undefined), {
      what: 'the failed attempts',
    });
    await second.stop();

    await waitFor(() => (receiver.accepted('/two-processes').length >= events.length ? true : undefined), {
      what: 'every event',
    });
    await new Promise((resolve) => setTimeout(resolve, 800)); // time for a duplicate to show up, if any
    const accepted = receiver.accepted('/two-processes').map((r) => r.headers['webhook-id']);
    expect([...accepted].sort()).to.deep.equal(events.map((e) => e.id).sort());
    await removeEndpoint(endpoint.id);
  });

  it('when the database is unreachable for a while, then the service keeps running and the event arrives once it is back', async () => {
    const endpoint = await anEndpoint('/database-outage', { eventTypes: ['booking.held'] });
    harness.databaseLink.cut();
    const event = aBookingHeldEvent({ patient: aPatient() });
    await harness.publish(event);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(receiver.received.filter((r) => r.path === '/database-outage')).to.have.length(0);
    harness.databaseLink.restore();

    await waitFor(() => receiver.accepted('/database-outage')[0], {
      timeoutMs: 20000,
      what: 'the event after the outage',
    });
    await new Promise((resolve) => setTimeout(resolve, 800)); // time for a duplicate to show up, if any
    expect(
      receiver.received.filter((r) => r.path === '/database-outage').map((r) => r.headers['webhook-id']),
    ).to.deep.equal([event.id]);
    await removeEndpoint(endpoint.id);
  });

  it('when an operator adds an endpoint and rotates its secret, then both secrets sign until the old one is retired', async () => {
    const env = { ...process.env, DATABASE_URL: harness.db.url, AMQP_URL: harness.vhost.url };
    const command = async (...args: string[]) =>
      (await run(process.execPath, [...main, ...args], { env })).stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as Record<string, unknown>);
    const [added] = await command(
      'webhook-add',
      '--url',
      `${receiver.url}/rotated`,
      '--events',
      'booking.cancelled',
      '--personal-data',
      'none',
    );
    const id = added!.id as string;
    const oldSecret = added!.secret as string;
    expect(added).to.deep.include({ enabled: true, personalData: 'none', events: ['booking.cancelled'] });
    const listed = await command('webhook-list');
    expect(listed.find((e) => e.id === id)).not.to.have.property('secret');

    const [rotated] = await command('webhook-rotate-secret', '--id', id, '--grace-hours', '2');
    const newSecret = rotated!.secret as string;
    await harness.publish(aBookingCancelledEvent({ patient: aPatient() }));
    const duringRotation = await waitFor(() => receiver.accepted('/rotated')[0], { what: 'during the rotation' });
    expect(headersOf(duringRotation)['webhook-signature']!.split(' ')).to.have.length(2);
    for (const secret of [oldSecret, newSecret])
      expect(() => new Webhook(secret).verify(duringRotation.body, headersOf(duringRotation))).not.to.throw();

    await command('webhook-retire-secret', '--id', id);
    await harness.publish(aBookingCancelledEvent({ patient: aPatient() }));
    const afterRotation = await waitFor(() => receiver.accepted('/rotated')[1], { what: 'after the rotation' });
    expect(() => new Webhook(newSecret).verify(afterRotation.body, headersOf(afterRotation))).not.to.throw();
    expect(() => new Webhook(oldSecret).verify(afterRotation.body, headersOf(afterRotation))).to.throw();

    const log = await command('webhook-deliveries', '--id', id);
    expect(log.map((d) => d.status)).to.deep.equal(['delivered', 'delivered']);
    expect(JSON.stringify(log)).not.to.include('payload');
    await removeEndpoint(id);
  });

  it('when an operator registers a plain-http URL to another host, then the command refuses it', async () => {
    const env = { ...process.env, DATABASE_URL: harness.db.url, AMQP_URL: harness.vhost.url };
    const refused = await run(process.execPath, [...main, 'webhook-add', '--url', 'http://receiver.example/hook'], {
      env,
    }).then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    );
    expect(refused?.code).to.equal(1);
    expect(refused?.stderr).to.include('must use https');
  });
});
