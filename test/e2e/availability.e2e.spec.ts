import { randomBytes } from 'node:crypto';
import { type BookingSnapshot, type ListSlotsReply, createEvent, exchanges } from '@otk/contracts';
import { createPool } from '@otk/db';
import { aBookingSnapshot, waitFor } from '@otk/test-kit';
import amqp from 'amqplib';
import { expect } from 'chai';
import type pg from 'pg';
import { seedDemoPractice } from '../../services/availability/scripts/demo-practice.seed.js';
import { openApiChecker } from '../support/openapi.js';
import { type Stack, startStack } from '../support/stack.js';

type Slot = ListSlotsReply['days'][number]['slots'][number];

/** Which practitioner's booking occupies which calendars in the demo practice (S6). */
const occupantsOf: Record<string, BookingSnapshot['occupants']> = {
  'dr-muster': [
    { kind: 'practitioner', id: 'dr-muster' },
    { kind: 'resource', id: 'room-1' },
  ],
  'dr-keller': [
    { kind: 'practitioner', id: 'dr-keller' },
    { kind: 'resource', id: 'room-2' },
    { kind: 'resource', id: 'xray-opg' },
  ],
  'dh-rossi': [
    { kind: 'practitioner', id: 'dh-rossi' },
    { kind: 'resource', id: 'room-2' },
  ],
};

describe('availability through the gateway on the real stack', function () {
  this.timeout(120000);
  let stack: Stack;
  let pool: pg.Pool;
  let connection: amqp.ChannelModel;
  let channel: amqp.ConfirmChannel;
  const checkAgainstOpenApi = openApiChecker();

  before(async () => {
    stack = await startStack();
    pool = createPool({ connectionString: stack.env.DATABASE_URL!, applicationName: 'test' });
    await seedDemoPractice(pool);
    connection = await amqp.connect(stack.env.AMQP_URL!);
    channel = await connection.createConfirmChannel();
    await waitFor(async () => ((await get('/practice')).status === 200 ? true : undefined), {
      what: 'the seeded practice to be served',
    });
    // Until hold-manager answers hold.listActive, availability keeps asking; once it has, its
    // rebuild is over and cannot undo the bookings these tests announce by events.
    await waitFor(
      () =>
        stack.services.availability.logs.find(
          (l) =>
            l.msg === 'busy index rebuilt from hold-manager' || JSON.stringify(l.err ?? '').includes('is not served'),
        ),
      { timeoutMs: 30000, what: 'the rebuild of the busy index to finish or to find hold.listActive not served' },
    );
  });

  after(async () => {
    await connection?.close().catch(() => undefined);
    await pool?.end();
    await stack?.stop();
  });

  /** GETs an API path; every answer must match docs/api/openapi.yaml. */
  async function get(pathAndQuery: string): Promise<{ status: number; body: Record<string, unknown> }> {
    const response = await fetch(`${stack.gatewayUrl}/api/v1${pathAndQuery}`);
    const body = (await response.json()) as Record<string, unknown>;
    checkAgainstOpenApi('GET', pathAndQuery.split('?')[0]!, response.status, body);
    return { status: response.status, body };
  }

  const inDays = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);

  async function slots(type: string, practitioner: string, from = inDays(1), to = inDays(21)): Promise<Slot[]> {
    const { status, body } = await get(
      `/availability?appointmentType=${type}&practitioner=${practitioner}&from=${from}&to=${to}`,
    );
    expect(status, JSON.stringify(body)).to.equal(200);
    return (body as unknown as ListSlotsReply).days.flatMap((d) => d.slots);
  }

  const offers = async (type: string, practitioner: string, start: string) =>
    (await slots(type, practitioner)).some((s) => s.start === start);

  /** Announces a held booking the way hold-manager does: a booking.held event on the `events` exchange. */
  async function publishHeld(booking: BookingSnapshot): Promise<void> {
    const event = createEvent('booking.held', { booking });
    channel.publish(exchanges.events, event.type, Buffer.from(JSON.stringify(event)), {
      persistent: true,
      messageId: event.id,
      type: event.type,
      contentType: 'application/json',
    });
    await channel.waitForConfirms();
  }

  function heldBooking(slot: Slot, minutesAfter: number, overrides: Partial<BookingSnapshot> = {}): BookingSnapshot {
    return aBookingSnapshot({
      practitionerId: slot.practitionerId,
      start: slot.start,
      end: slot.end,
      occupiedFrom: slot.start,
      occupiedUntil: new Date(Date.parse(slot.end) + minutesAfter * 60_000).toISOString(),
      occupants: occupantsOf[slot.practitionerId]!,
      expiresAt: new Date(Date.now() + 15 * 60_000).toISOString(),
      ...overrides,
    });
  }

  it('when the practice is asked for, then it names its time zone, languages, steps, privacy policy, phone and colour', async () => {
    const { status, body } = await get('/practice');
    expect(status).to.equal(200);
    expect(body).to.deep.include({ name: 'Zahnarztpraxis Dr. Muster', timeZone: 'Europe/Zurich', smsOffered: false });
    expect(body.languages).to.deep.equal(['de', 'fr', 'it', 'en']);
    expect(body.steps).to.deep.equal({ visitKind: true, appointmentGroup: true });
    expect(body.privacyPolicy).to.have.property('version', '2026-01');
    expect(body).to.deep.include({ phone: '+41 44 123 45 67', brandColour: '#0B5CAD', logoUrl: null });
  });

  it('when the catalogue is asked for per visit kind, then only the types for that kind are listed, with who offers them', async () => {
    const first = await get('/catalogue?visitKind=first');
    expect(first.status).to.equal(200);
    const types = first.body.appointmentTypes as { id: string }[];
    expect(types.map((t) => t.id))
      .to.include('first-consultation')
      .and.not.include('filling');
    const followup = await get('/catalogue?visitKind=followup');
    expect((followup.body.appointmentTypes as { id: string }[]).map((t) => t.id))
      .to.include('root-canal')
      .and.not.include('first-consultation');
    const practitioners = (await get('/catalogue')).body.practitioners as {
      id: string;
      appointmentTypeIds: string[];
    }[];
    expect(practitioners.find((p) => p.id === 'dh-rossi')?.appointmentTypeIds).to.deep.equal(['hygiene']);
    expect((await get('/catalogue?visitKind=sometimes')).status).to.equal(400);
  });

  it('when the input is bad, then the answer is 400 with a stable code, never 500', async () => {
    const cases: [string, string][] = [
      ['/availability', 'VALIDATION_FAILED'],
      [`/availability?appointmentType=checkup&practitioner=any&from=2026-13-01&to=2026-12-01`, 'VALIDATION_FAILED'],
      [`/availability?appointmentType=checkup&practitioner=any&from=tomorrow&to=${inDays(3)}`, 'VALIDATION_FAILED'],
      [
        `/availability?appointmentType=checkup&practitioner=any&from=${inDays(1)}&from=${inDays(2)}&to=${inDays(3)}`,
        'VALIDATION_FAILED',
      ],
      [
        `/availability?appointmentType=nope&practitioner=any&from=${inDays(1)}&to=${inDays(3)}`,
        'APPOINTMENT_TYPE_UNKNOWN',
      ],
      [
        `/availability?appointmentType=implant-surgery&practitioner=any&from=${inDays(1)}&to=${inDays(3)}`,
        'APPOINTMENT_TYPE_UNKNOWN',
      ],
      [
        `/availability?appointmentType=checkup&practitioner=dr-who&from=${inDays(1)}&to=${inDays(3)}`,
        'PRACTITIONER_UNKNOWN',
      ],
      [
        `/availability?appointmentType=hygiene&practitioner=dr-muster&from=${inDays(1)}&to=${inDays(3)}`,
        'PRACTITIONER_NOT_OFFERING_TYPE',
      ],
      [
        `/availability?appointmentType=checkup&practitioner=any&from=${inDays(3)}&to=${inDays(1)}`,
        'DATE_RANGE_INVALID',
      ],
      [
        `/availability?appointmentType=checkup&practitioner=any&from=${inDays(1)}&to=${inDays(63)}`,
        'DATE_RANGE_INVALID',
      ],
      // A range in the past (year 0001 was once read as 1901) is refused, not answered.
      ['/availability?appointmentType=checkup&practitioner=any&from=0001-01-01&to=0001-01-31', 'DATE_RANGE_INVALID'],
      [
        `/availability?appointmentType=checkup&practitioner=any&from=${inDays(-3)}&to=${inDays(1)}`,
        'DATE_RANGE_INVALID',
      ],
    ];
    for (const [path, code] of cases) {
      const { status, body } = await get(path);
      expect(status, path).to.equal(400);
      expect(body.code, path).to.equal(code);
      expect(body.message, path).to.be.a('string');
    }
  });

  it('when anyone may take the appointment, then each start is offered once, earliest first, by practitioners in turn', async () => {
    const { body } = await get(
      `/availability?appointmentType=checkup&practitioner=any&from=${inDays(1)}&to=${inDays(28)}`,
    );
    const reply = body as unknown as ListSlotsReply;
    expect(reply.timeZone).to.equal('Europe/Zurich');
    expect(reply.days).to.have.length(28);
    const all = reply.days.flatMap((d) => d.slots);
    const starts = all.map((s) => Date.parse(s.start));
    expect(starts).to.deep.equal([...starts].sort((a, b) => a - b));
    expect(new Set(starts).size).to.equal(starts.length);
    expect(new Set(all.map((s) => s.practitionerId))).to.deep.equal(new Set(['dr-muster', 'dr-keller']));
  });

  it('when a booking event arrives, then its slot is gone from availability within 1 s', async () => {
    const [slot] = await slots('checkup', 'dr-muster');
    if (!slot) throw new Error('no slot to book');
    const sent = Date.now();
    await publishHeld(heldBooking(slot, 5));
    await waitFor(async () => (!(await offers('checkup', 'dr-muster', slot.start)) ? true : undefined), {
      intervalMs: 20,
      timeoutMs: 5000,
      what: 'the booked slot to disappear',
    });
    expect(Date.now() - sent).to.be.below(1000);
  });

  /** Holds a slot through the public API, as the booking site does; returns when the 201 is in. */
  async function holdThroughApi(slot: Slot, appointmentTypeId: string): Promise<void> {
    const response = await fetch(`${stack.gatewayUrl}/api/v1/holds`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        appointmentTypeId,
        practitionerId: slot.practitionerId,
        start: slot.start,
        channel: 'email',
        language: 'de',
        patient: {
          firstName: 'Anna',
          lastName: 'Beispiel',
          birthDate: '1985-04-12',
          email: `anna.${randomBytes(4).toString('hex')}@example.ch`,
        },
        consent: { accepted: true, privacyPolicyVersion: '2026-01' },
      }),
    });
    expect(response.status, await response.clone().text()).to.equal(201);
  }

  it('when a patient holds a slot through the API, then it is gone from availability within 1 s', async () => {
    const [slot] = await slots('hygiene', 'dh-rossi');
    if (!slot) throw new Error('no slot to hold');
    const sent = Date.now();
    await holdThroughApi(slot, 'hygiene');
    await waitFor(async () => (!(await offers('hygiene', 'dh-rossi', slot.start)) ? true : undefined), {
      intervalMs: 20,
      timeoutMs: 5000,
      what: 'the held slot to disappear',
    });
    expect(Date.now() - sent).to.be.below(1000);
  });

  it('when a hold is answered 201, then the very next answer for that day, cached a moment before, no longer offers the slot', async () => {
    // The busiest-offered day a week ahead or later, clear of the other tests' holds.
    const { body } = await get(
      `/availability?appointmentType=hygiene&practitioner=dh-rossi&from=${inDays(8)}&to=${inDays(21)}`,
    );
    const days = (body as unknown as ListSlotsReply).days;
    const day = days.reduce((best, d) => (d.slots.length > best.slots.length ? d : best)).date;
    for (let round = 0; round < 4; round++) {
      // The day's answers are in the gateway's cache, for the practitioner and for anyone.
      const [slot] = await slots('hygiene', 'dh-rossi', day, day);
      if (!slot) throw new Error('no slot to hold');
      const anyone = await slots('hygiene', 'any', day, day);
      expect(anyone.some((s) => s.start === slot.start)).to.equal(true);
      await holdThroughApi(slot, 'hygiene');
      const answered = Date.now();
      const [mine, any] = await Promise.all([
        slots('hygiene', 'dh-rossi', day, day),
        slots('hygiene', 'any', day, day),
      ]);
      expect(Date.now() - answered, 'the next answers took too long to come').to.be.below(1000);
      expect(
        mine.map((s) => s.start),
        `round ${round}`,
      ).not.to.include(slot.start);
      expect(
        any.map((s) => s.start),
        `round ${round}`,
      ).not.to.include(slot.start);
    }
  });

  it('when a practitioner books the room they share, then the other practitioner loses that time too (S6)', async () => {
    const kellerStarts = new Set((await slots('emergency', 'dr-keller')).map((s) => Date.parse(s.start)));
    const shared = (await slots('hygiene', 'dh-rossi')).find((s) => kellerStarts.has(Date.parse(s.start)));
    if (!shared) throw new Error('the demo practice should have a time both can take');
    const kellerSlot = {
      ...shared,
      practitionerId: 'dr-keller',
      end: new Date(Date.parse(shared.start) + 20 * 60_000).toISOString(),
    };
    await publishHeld(heldBooking(kellerSlot, 10, { appointmentTypeId: 'emergency' }));
    await waitFor(async () => (!(await offers('hygiene', 'dh-rossi', shared.start)) ? true : undefined), {
      what: "dh-rossi's slot in the shared room to disappear",
    });
  });

  it('when a hold lapses, then its slot is offered again, even before the expiry event', async () => {
    const [slot] = await slots('root-canal', 'dr-keller');
    if (!slot) throw new Error('no slot to book');
    await publishHeld(heldBooking(slot, 10, { expiresAt: new Date(Date.now() + 2000).toISOString() }));
    await waitFor(async () => (!(await offers('root-canal', 'dr-keller', slot.start)) ? true : undefined), {
      what: 'the held slot to disappear',
    });
    await waitFor(async () => ((await offers('root-canal', 'dr-keller', slot.start)) ? true : undefined), {
      timeoutMs: 6000,
      what: 'the lapsed slot to be offered again',
    });
  });
});
