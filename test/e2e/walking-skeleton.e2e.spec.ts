import { randomBytes } from 'node:crypto';
import { createPool } from '@otk/db';
import { closeVhostConnections, startBrokerOutage, waitFor } from '@otk/test-kit';
import amqp from 'amqplib';
import { expect } from 'chai';
import { placeHoldRequestV1 } from '@otk/contracts';
import { pino } from 'pino';
import { slotOf } from '../../services/hold-manager/src/data-access/availability.client.js';
import { bookingRepository } from '../../services/hold-manager/src/data-access/booking.repository.js';
import { placeHold } from '../../services/hold-manager/src/domain/place-hold.use-case.js';
import { startDemoStack } from '../support/demo-stack.js';
import { type OfferedSlot, aHoldRequest, offeredSlots, postJson } from '../support/factories.js';
import { type Stack, serviceNames } from '../support/stack.js';

describe('walking skeleton: gateway → hold-manager → notification on the real stack', function () {
  this.timeout(120000);
  let stack: Stack;
  let slots: OfferedSlot[];
  /** A hold request for the next offered slot nobody in this file has taken yet. */
  const aFreshHoldRequest = () => {
    const slot = slots.shift();
    if (!slot) throw new Error('the demo practice has no offered slot left for this test file');
    return aHoldRequest(slot);
  };

  before(async () => {
    stack = await startDemoStack();
    slots = [
      ...(await offeredSlots(stack.gatewayUrl, { appointmentType: 'checkup', practitioner: 'dr-muster' })),
      ...(await offeredSlots(stack.gatewayUrl, { appointmentType: 'checkup', practitioner: 'dr-keller' })),
    ];
  });

  after(async () => {
    await stack?.stop();
  });

  const holdsUrl = () => `${stack.gatewayUrl}/api/v1/holds`;
  const mailsTo = (address: string) =>
    stack.smtp.messages.filter((m) => m.to && JSON.stringify(m.to).includes(address));

  it('when a patient places a hold, then the provisional-request e-mail arrives and one trace spans all three services', async () => {
    const traceId = randomBytes(16).toString('hex');
    const request = aFreshHoldRequest();
    const email = request.patient.email;

    const response = await postJson(holdsUrl(), request, {
      traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01`,
    });

    expect(response.status).to.equal(201);
    expect(response.body.status).to.equal('held');
    const mail = await waitFor(() => mailsTo(email)[0], { what: 'the provisional-request e-mail' });
    expect(mail.subject).to.match(/^Bitte bestätigen Sie Ihre Terminanfrage/);
    expect(mail.text).to.match(/\/confirm\?token=[\w-]{22,}/);

    const servicesInTrace = await waitFor(
      () => {
        const services = new Set(stack.spans.filter((s) => s.traceId === traceId).map((s) => s.service));
        return ['gateway', 'hold-manager', 'notification'].every((s) => services.has(s)) ? services : undefined;
      },
      { what: 'spans of gateway, hold-manager and notification in one trace' },
    );
    expect([...servicesInTrace]).to.include.members(['gateway', 'hold-manager', 'notification']);
  });

  it('when the same slot is requested twice, then the second is refused with 409 SLOT_TAKEN', async () => {
    const request = aFreshHoldRequest();
    expect((await postJson(holdsUrl(), request)).status).to.equal(201);
    const second = await postJson(holdsUrl(), {
      ...request,
      patient: { ...request.patient, email: 'other@example.ch' },
    });
    expect(second.status).to.equal(409);
    expect(second.body.code).to.equal('SLOT_TAKEN');
  });

  it('when the body is not valid, then the gateway answers 400 VALIDATION_FAILED naming the field', async () => {
    const response = await postJson(holdsUrl(), aHoldRequest({ start: 'tomorrow' }));
    expect(response.status).to.equal(400);
    expect(response.body.code).to.equal('VALIDATION_FAILED');
    expect(JSON.stringify(response.body.details)).to.include('start');

    const malformed = await postJson(holdsUrl(), '{"appointmentTypeId":');
    expect(malformed.status).to.equal(400);
    expect(malformed.body.code).to.equal('VALIDATION_FAILED');
  });

  it('when a malformed event reaches notification, then it is dead-lettered, counted, and the next one is still handled', async () => {
    const connection = await amqp.connect(stack.env.AMQP_URL!);
    const channel = await connection.createConfirmChannel();
    channel.publish('notices', 'notice.bookingHeld', Buffer.from('{"not":"an envelope"}'), {
      persistent: true,
      messageId: 'garbage-1',
    });
    await channel.waitForConfirms();
    await waitFor(
      async () => {
        const text = await (await fetch(`${stack.services.notification.managementUrl}/metrics`)).text();
        return /messaging_dead_lettered_total\{[^}]*queue="notification\.events"[^}]*\} 1/.test(text)
          ? true
          : undefined;
      },
      { what: 'the dead-letter metric of notification' },
    );
    const parked = await channel.checkQueue('notification.events.dlq');
    expect(parked.messageCount).to.equal(1);
    await connection.close();

    const request = aFreshHoldRequest();
    expect((await postJson(holdsUrl(), request)).status).to.equal(201);
    await waitFor(() => mailsTo(request.patient.email)[0], { what: 'the next e-mail' });
  });

  it('when the broker drops every connection while holds are placed, then services reconnect and every hold is e-mailed exactly once', async () => {
    const accepted: string[] = [];
    const emails: string[] = [];
    let refused = 0;
    const produce = async (count: number) => {
      for (let i = 0; i < count; i++) {
        const request = aFreshHoldRequest();
        const response = await postJson(holdsUrl(), request);
        if (response.status === 201) {
          accepted.push(String(response.body.bookingId));
          emails.push(request.patient.email);
        } else {
          refused += 1; // the gateway's RPC call may fail while the broker is away; nothing was held then
        }
      }
    };
    const producing = produce(60);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await closeVhostConnections(stack.vhost.name);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await closeVhostConnections(stack.vhost.name);
    await producing;
    await produce(5); // after the outage, the path works again

    expect(accepted.length).to.be.greaterThan(5);
    await waitFor(() => (emails.every((e) => mailsTo(e).length >= 1) ? true : undefined), {
      timeoutMs: 60000,
      what: `e-mails for all ${accepted.length} accepted holds (${refused} refused during the outage)`,
    });
    await new Promise((resolve) => setTimeout(resolve, 1500)); // time for a duplicate to show up, if any
    for (const email of emails) expect(mailsTo(email), email).to.have.length(1);
  });

  it('when the broker is away while holds are committed, then they are published once it is back and each is e-mailed exactly once', async () => {
    const pool = createPool({ connectionString: stack.env.DATABASE_URL!, applicationName: 'test' });
    const outage = await startBrokerOutage(stack.vhost);
    const emails: string[] = [];
    try {
      await waitFor(
        async () =>
          (await fetch(`${stack.services['hold-manager'].managementUrl}/readyz`)).status === 503 ? true : undefined,
        { what: 'hold-manager to report the broker as unreachable' },
      );
      const duringOutage = await postJson(holdsUrl(), aFreshHoldRequest());
      expect(duringOutage.status).to.be.oneOf([503, 504]);
      expect(duringOutage.body.code).to.be.oneOf(['UNAVAILABLE', 'TIMEOUT']);

      // The hold-manager's own use case, as its RPC handler would run it with availability's
      // answer in hand: state and event commit while no service can reach the broker.
      const deps = {
        bookings: bookingRepository(pool),
        logger: pino({ level: 'silent' }),
        checkSlot: async (request: { practitionerId: string; start: string }) =>
          slotOf(demoCheckup(request.practitionerId, request.start)),
        findAlternatives: async () => [],
        scheduleExpiry: async () => undefined,
        now: () => new Date(),
      };
      for (let i = 0; i < 20; i++) {
        const request = placeHoldRequestV1.parse(aFreshHoldRequest());
        await placeHold(deps, request);
        emails.push(request.patient.email!);
      }
      await new Promise((resolve) => setTimeout(resolve, 1000));
      expect(emails.filter((e) => mailsTo(e).length > 0)).to.deep.equal([]);
    } finally {
      await outage.end();
      await pool.end();
    }
    await waitFor(() => (emails.every((e) => mailsTo(e).length >= 1) ? true : undefined), {
      timeoutMs: 60000,
      what: 'e-mails for the holds committed during the outage',
    });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    for (const email of emails) expect(mailsTo(email), email).to.have.length(1);
    expect((await postJson(holdsUrl(), aFreshHoldRequest())).status).to.equal(201);
  });

  it('when asked, then every service answers /healthz, /readyz and /metrics with its service label on its management port', async () => {
    for (const name of serviceNames) {
      const { managementUrl: url } = stack.services[name];
      expect((await fetch(`${url}/healthz`)).status, `${name} /healthz`).to.equal(200);
      const ready = await fetch(`${url}/readyz`);
      expect(ready.status, `${name} /readyz`).to.equal(200);
      expect(await ready.json()).to.deep.include({ status: 'ready' });
      const metrics = await fetch(`${url}/metrics`);
      expect(metrics.headers.get('content-type')).to.include('text/plain');
      expect(await metrics.text()).to.include(`process_cpu_user_seconds_total{service="${name}"}`);
    }
  });

  it('when health or metrics are asked on the public port, then the gateway answers 404 and the API still answers', async () => {
    for (const path of ['/healthz', '/readyz', '/metrics']) {
      expect((await fetch(`${stack.gatewayUrl}${path}`)).status, path).to.equal(404);
    }
    expect((await fetch(`${stack.gatewayUrl}/api/v1/practice`)).status).to.equal(200);
  });
});

/** What availability answers for a check-up of the demo practice: 30 minutes and 5 after, in the practitioner's room. */
function demoCheckup(practitionerId: string, start: string) {
  const rooms: Record<string, string[]> = { 'dr-muster': ['room-1'], 'dr-keller': ['room-2', 'xray-opg'] };
  const at = Date.parse(start);
  return {
    appointmentTypeId: 'checkup',
    appointmentTypeName: { de: 'Kontrolle' },
    practitionerId,
    practitionerName: practitionerId,
    timeZone: 'Europe/Zurich',
    start: new Date(at).toISOString(),
    end: new Date(at + 30 * 60_000).toISOString(),
    occupiedFrom: new Date(at).toISOString(),
    occupiedUntil: new Date(at + 35 * 60_000).toISOString(),
    occupants: [
      { kind: 'practitioner' as const, id: practitionerId },
      ...(rooms[practitionerId] ?? []).map((id) => ({ kind: 'resource' as const, id })),
    ],
  };
}
