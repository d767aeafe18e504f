import amqp from 'amqplib';
import { waitFor } from '@otk/test-kit';
import { expect } from 'chai';
import { startDemoStack } from '../support/demo-stack.js';
import { type OfferedSlot, aHoldRequest, offeredSlots, postJson } from '../support/factories.js';
import { type LinkTokens, listenForLinkTokens } from '../support/link-tokens.js';
import { type Stack, serviceNames } from '../support/stack.js';

/**
 * A patient's whole journey through the real stack, with the failures on the way, logged at debug
 * level; then every line every service wrote is searched for what identifies the patients. Their
 * data lives in the database and the messages sent to them, never in the logs.
 */
describe('personal data in the logs of a booking journey', function () {
  this.timeout(180000);
  let stack: Stack;
  let links: LinkTokens;
  let slots: OfferedSlot[];
  const tokens: string[] = [];

  const patient = {
    firstName: 'Zephyrine',
    lastName: 'Quackenbush',
    birthDate: '1963-07-19',
    email: `zephyrine.quackenbush.${Date.now()}@example.ch`,
    phone: '+41795551234',
    street: 'Rosengartenweg 17',
    postalCode: '8057',
    city: 'Hinterwilen',
  };
  const other = {
    firstName: 'Bartholomew',
    lastName: 'Oxenstierna',
    birthDate: '1971-11-23',
    email: `b.oxenstierna.${Date.now()}@example.ch`,
  };
  const needles = [
    patient.firstName,
    patient.lastName,
    patient.birthDate,
    patient.email,
    patient.email.split('@')[0]!,
    patient.phone,
    patient.phone.slice(3),
    patient.street,
    patient.city,
    other.firstName,
    other.lastName,
    other.birthDate,
    other.email,
  ];

  before(async () => {
    stack = await startDemoStack({ env: { LOG_LEVEL: 'debug' } });
    links = await listenForLinkTokens(stack.env.AMQP_URL!);
    const offered = await offeredSlots(stack.gatewayUrl, { appointmentType: 'checkup', practitioner: 'dr-muster' });
    slots = offered.filter((s) => Date.parse(s.start) > Date.now() + 2 * 86400_000);
  });

  after(async () => {
    await links?.stop();
    await stack?.stop();
  });

  const api = (path: string) => `${stack.gatewayUrl}/api/v1${path}`;

  it('when a patient holds, confirms, changes and cancels, with refusals and a poisoned message on the way, then no log line names them', async () => {
    const first = slots[0]!;
    const second = slots[1]!;
    // Refused at the edge: a control character in the name, a birth date in the future.
    const nul = await postJson(
      api('/holds'),
      aHoldRequest(first, { patient: { ...patient, lastName: 'Quacken\u0000bush' } }),
    );
    expect(nul.status).to.equal(400);
    const future = await postJson(
      api('/holds'),
      aHoldRequest(first, { patient: { ...patient, birthDate: '2999-01-01' } }),
    );
    expect(future.status).to.equal(400);

    const held = await postJson(api('/holds'), aHoldRequest(first, { patient, channel: 'email' }));
    expect(held.status, JSON.stringify(held.body)).to.equal(201);
    const bookingId = String(held.body.bookingId);
    // Someone else on the same slot: SLOT_TAKEN.
    const taken = await postJson(api('/holds'), aHoldRequest(first, { patient: other }));
    expect(taken.status).to.equal(409);
    // A link that is not one.
    expect((await postJson(api('/bookings/confirm'), { token: 'x'.repeat(43) })).status).to.equal(404);

    const confirmToken = await links.confirmTokenOf(bookingId);
    expect((await postJson(api('/bookings/confirm'), { token: confirmToken })).status).to.equal(200);
    const manageToken = await links.manageTokenOf(bookingId);
    tokens.push(confirmToken, manageToken);
    const otherHold = await postJson(api('/holds'), aHoldRequest(second, { patient: other }));
    expect(otherHold.status).to.equal(201);
    // Moving onto the other patient's hold is refused; then onto a free slot it works.
    expect((await postJson(api('/bookings/change'), { token: manageToken, start: second.start })).status).to.equal(409);
    const third = slots[2]!;
    const changed = await postJson(api('/bookings/change'), { token: manageToken, start: third.start });
    expect(changed.status, JSON.stringify(changed.body)).to.equal(200);
    expect((await postJson(api('/bookings/cancel'), { token: manageToken })).status).to.equal(200);

    // A message that is not an event, quoting the patient: parked without its bytes being repeated.
    const connection = await amqp.connect(stack.env.AMQP_URL!);
    try {
      const channel = await connection.createConfirmChannel();
      channel.publish(
        'notices',
        'notice.bookingHeld',
        Buffer.from(`{"lastName":"${patient.lastName}", ${patient.email}`),
        {
          persistent: true,
          messageId: 'poisoned-1',
        },
      );
      channel.publish('events', 'booking.cancelled', Buffer.from(JSON.stringify({ patient })), {
        persistent: true,
        messageId: 'poisoned-2',
      });
      await channel.waitForConfirms();
      const parked = await waitFor(
        async () => {
          const message = await channel.get('notification.events.dlq', { noAck: false });
          return message || undefined;
        },
        { what: 'the parked message' },
      );
      expect(parked.properties.headers).to.include({ 'x-otk-dead-letter-reason': 'invalid' });
      expect(JSON.stringify(parked.properties.headers)).to.not.match(
        new RegExp(`${patient.lastName}|${patient.email}`),
      );
      await channel.close();
    } finally {
      await connection.close();
    }

    // Every message of the journey has gone out: provisional request, confirmation, change, cancellation.
    await waitFor(
      () =>
        stack.smtp.messages.filter((m) => JSON.stringify(m.to).includes(patient.email)).length >= 4 ? true : undefined,
      { what: "the patient's four e-mails" },
    );
    const parkedBy = (name: 'notification' | 'availability' | 'pixelmedics-sync') =>
      stack.services[name].logs.some((line) => line.messageId === 'poisoned-2');
    await waitFor(
      () => (parkedBy('notification') && parkedBy('availability') && parkedBy('pixelmedics-sync') ? true : undefined),
      {
        what: 'every consumer of booking.cancelled to park the poisoned event',
      },
    );

    const lines = serviceNames.flatMap((name) => stack.services[name].logs.map((line) => JSON.stringify(line)));
    expect(lines.length).to.be.above(20);
    expect(
      lines.some((line) => line.includes(bookingId)),
      'the booking is logged by its id',
    ).to.equal(true);
    const found = [...needles, ...tokens].flatMap((needle) =>
      lines.filter((line) => line.toLowerCase().includes(needle.toLowerCase())).map((line) => `${needle}: ${line}`),
    );
    expect(found).to.deep.equal([]);
  });
});
