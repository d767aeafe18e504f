import { randomUUID } from 'node:crypto';
import {
  type AppError,
  type BookingSnapshot,
  type CommandReply,
  type EventData,
  type EventType,
  createEvent,
} from '@otk/contracts';
import { createPool, runMigrations } from '@otk/db';
import { Broker } from '@otk/messaging';
import { type RunningService, startService } from '@otk/runtime';
import { createLogger, createMetrics } from '@otk/telemetry';
import {
  type TestDatabase,
  type TestVhost,
  aBookingSnapshot,
  createTestDatabase,
  createTestVhost,
  waitFor,
} from '@otk/test-kit';
import { expect } from 'chai';
import type pg from 'pg';
import { seedDemoPractice } from '../scripts/demo-practice.seed.js';
import { migrations } from '../src/data-access/migrations.js';
import { availability } from '../src/service.js';

type Occupancy = CommandReply<'availability.checkSlot'>;

describe('availability service on real PostgreSQL and RabbitMQ', function () {
  this.timeout(60000);
  let db: TestDatabase;
  let vhost: TestVhost;
  let pool: pg.Pool;
  let service: RunningService;
  let client: Broker;

  before(async () => {
    [db, vhost] = await Promise.all([createTestDatabase(), createTestVhost()]);
    await runMigrations({ databaseUrl: db.url, set: migrations, logger: createLogger('test', 'silent') });
    pool = createPool({ connectionString: db.url, applicationName: 'test' });
    await seedDemoPractice(pool);
    service = await startService(availability, {
      DATABASE_URL: db.url,
      AMQP_URL: vhost.url,
      PORT: '0',
      MANAGEMENT_PORT: '0',
      LOG_LEVEL: 'silent',
    });
    client = new Broker({
      url: vhost.url,
      service: 'test',
      logger: createLogger('test', 'silent'),
      registry: createMetrics('test').registry,
    });
    await client.waitUntilConnected();
  });

  after(async () => {
    await client?.close(1000);
    await service?.stop();
    await pool?.end();
    await Promise.allSettled([db?.drop(), vhost?.remove()]);
  });

  const today = () => new Date().toISOString().slice(0, 10);
  const inDays = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);
  const slotsOf = (appointmentTypeId: string, practitionerId: string, from = inDays(1), to = inDays(21)) =>
    client.call('availability.listSlots', { appointmentTypeId, practitionerId, from, to });
  const startsOf = async (type: string, practitioner: string) =>
    (await slotsOf(type, practitioner)).days.flatMap((d) => d.slots.map((s) => Date.parse(s.start)));
  const check = (appointmentTypeId: string, practitionerId: string, start: string, extra: object = {}) =>
    client.call('availability.checkSlot', { appointmentTypeId, practitionerId, start, ...extra });
  const refusal = (promise: Promise<unknown>) =>
    promise.then(
      () => 'accepted',
      (error: { code?: string }) => error.code,
    );

  async function firstSlot(type: string, practitioner: string): Promise<Occupancy> {
    const day = (await slotsOf(type, practitioner)).days.find((d) => d.slots.length > 0);
    if (!day) throw new Error(`no slot for ${type} with ${practitioner}`);
    return check(type, practitioner, day.slots[0]!.start);
  }

  function snapshot(occupancy: Occupancy, overrides: Partial<BookingSnapshot> = {}): BookingSnapshot {
    return aBookingSnapshot({
      appointmentTypeId: occupancy.appointmentTypeId,
      practitionerId: occupancy.practitionerId,
      start: occupancy.start,
      end: occupancy.end,
      occupiedFrom: occupancy.occupiedFrom,
      occupiedUntil: occupancy.occupiedUntil,
      occupants: occupancy.occupants,
      expiresAt: new Date(Date.now() + 15 * 60_000).toISOString(),
      ...overrides,
    });
  }

  async function publish<T extends EventType>(type: T, data: EventData<T>, occurredAt?: Date) {
    const event = createEvent(type, data, occurredAt);
    await client.publish(event);
    return event;
  }

  const held = (booking: BookingSnapshot, occurredAt?: Date) => publish('booking.held', { booking }, occurredAt);

  it('when slots are listed, then they lie on the 15-minute grid in local time with the local offset', async () => {
    const reply = await slotsOf('checkup', 'dr-muster', today(), inDays(13));
    expect(reply.timeZone).to.equal('Europe/Zurich');
    expect(reply.days).to.have.length(14);
    const slots = reply.days.flatMap((d) => d.slots);
    expect(slots.length).to.be.greaterThan(20);
    for (const slot of slots) {
      expect(slot.start).to.match(/^\d{4}-\d\d-\d\dT\d\d:(00|15|30|45):00\+0[12]:00$/);
      expect(Date.parse(slot.end) - Date.parse(slot.start)).to.equal(30 * 60_000);
      expect(slot.practitionerId).to.equal('dr-muster');
    }
  });

  it('when a listed slot is checked, then the reply names what it occupies, buffers included (S6)', async () => {
    const occupancy = await firstSlot('checkup', 'dr-muster');
    expect(Date.parse(occupancy.occupiedUntil) - Date.parse(occupancy.end)).to.equal(5 * 60_000);
    expect(occupancy.occupiedFrom).to.equal(occupancy.start);
    expect(occupancy.occupants).to.deep.equal([
      { kind: 'practitioner', id: 'dr-muster' },
      { kind: 'resource', id: 'room-1' },
    ]);
    expect(occupancy.practitionerName).to.equal('Dr. med. dent. Eva Muster');
    expect(occupancy.appointmentTypeName.de).to.equal('Kontrolle');
  });

  it('when a time is not an offered slot, then checkSlot refuses it with SLOT_NOT_OFFERED', async () => {
    const { start } = await firstSlot('checkup', 'dr-muster');
    const offGrid = new Date(Date.parse(start) + 5 * 60_000).toISOString();
    const offGridRefusal = (await check('checkup', 'dr-muster', offGrid).catch((e: unknown) => e)) as AppError;
    expect(offGridRefusal.code).to.equal('SLOT_NOT_OFFERED');
    expect(offGridRefusal.details).to.deep.include({ reason: 'not-offered' });
    expect(await refusal(check('checkup', 'dh-rossi', start))).to.equal('SLOT_NOT_OFFERED');
    expect(await refusal(check('nope', 'dr-muster', start))).to.equal('SLOT_NOT_OFFERED');
    expect(await refusal(check('checkup', 'dr-muster', start, { visitKind: 'first' }))).to.equal('accepted');
    const filling = await firstSlot('filling', 'dr-muster');
    expect(await refusal(check('filling', 'dr-muster', filling.start, { visitKind: 'first' }))).to.equal(
      'SLOT_NOT_OFFERED',
    );
    const past = new Date(Date.now() - 3600_000).toISOString();
    expect(await refusal(check('checkup', 'dr-muster', past))).to.equal('SLOT_NOT_OFFERED');
  });

  it('when a type is not bookable online or a practitioner does not offer it, then listing refuses with a 400 code', async () => {
    expect(await refusal(slotsOf('implant-surgery', 'dr-keller'))).to.equal('APPOINTMENT_TYPE_UNKNOWN');
    expect(await refusal(slotsOf('hygiene', 'dr-muster'))).to.equal('PRACTITIONER_NOT_OFFERING_TYPE');
    expect(await refusal(slotsOf('hygiene', 'dr-nobody'))).to.equal('PRACTITIONER_UNKNOWN');
    expect(await refusal(slotsOf('hygiene', 'any', inDays(5), inDays(1)))).to.equal('DATE_RANGE_INVALID');
    expect(await refusal(slotsOf('hygiene', 'any', inDays(1), inDays(63)))).to.equal('DATE_RANGE_INVALID');
    expect(await refusal(slotsOf('hygiene', 'any', inDays(1), inDays(62)))).to.equal('accepted');
  });

  it('when a booking is held, then its slot is no longer listed, while checkSlot still offers it: taken is for hold-manager to judge', async () => {
    const occupancy = await firstSlot('checkup', 'dr-muster');
    const booking = snapshot(occupancy);
    await held(booking);
    const start = Date.parse(occupancy.start);
    await waitFor(async () => (!(await startsOf('checkup', 'dr-muster')).includes(start) ? true : undefined), {
      what: 'the held slot to disappear',
    });
    expect(await check('checkup', 'dr-muster', occupancy.start)).to.deep.equal(occupancy);
    await publish('booking.cancelled', { booking: { ...booking, status: 'cancelled', expiresAt: null } });
    await waitFor(async () => ((await startsOf('checkup', 'dr-muster')).includes(start) ? true : undefined), {
      what: 'the cancelled slot to come back',
    });
  });

  it('when the practice calendar has an entry, then its slot is neither listed nor offered, and checkSlot says busy', async () => {
    const occupancy = await firstSlot('checkup', 'dr-keller');
    const start = Date.parse(occupancy.start);
    await publish('practice.busyTimesImported', {
      from: new Date(start - 86400_000).toISOString(),
      to: new Date(start + 86400_000).toISOString(),
      busyTimes: [
        {
          entryId: `staff-${start}`,
          start: occupancy.start,
          end: occupancy.end,
          practitionerId: 'dr-keller',
          resourceIds: [],
        },
      ],
    });
    await waitFor(async () => (!(await startsOf('checkup', 'dr-keller')).includes(start) ? true : undefined), {
      what: 'the slot of the staff-made entry to disappear',
    });
    const refused = (await check('checkup', 'dr-keller', occupancy.start).catch((e: unknown) => e)) as AppError;
    expect(refused.code).to.equal('SLOT_NOT_OFFERED');
    expect(refused.details).to.deep.include({ reason: 'busy' });
    expect(refused.details).to.not.have.property('blockingBookingIds');
  });

  it('when an older event arrives after a newer one, or an event twice, then the newer state stands', async () => {
    const occupancy = await firstSlot('emergency', 'dr-keller');
    const booking = snapshot(occupancy, { bookingId: randomUUID() });
    const t0 = new Date(Date.now() - 10_000);
    const cancelled = await publish(
      'booking.cancelled',
      { booking: { ...booking, status: 'cancelled', expiresAt: null } },
      new Date(t0.getTime() + 5000),
    );
    await held(booking, t0); // late, older news
    await client.publish(cancelled); // a redelivery
    const marker = snapshot(await firstSlot('hygiene', 'dh-rossi'));
    await held(marker); // once this one shows, the ones before it were handled
    await waitFor(
      async () => (!(await startsOf('hygiene', 'dh-rossi')).includes(Date.parse(marker.start)) ? true : undefined),
      { what: 'the marker booking' },
    );
    expect(await startsOf('emergency', 'dr-keller')).to.include(Date.parse(occupancy.start));
  });

  it('when a practitioner books the room they share, then the other practitioner loses that time too (S6)', async () => {
    const rossi = await slotsOf('hygiene', 'dh-rossi');
    const keller = await slotsOf('emergency', 'dr-keller');
    const kellerStarts = new Set(keller.days.flatMap((d) => d.slots.map((s) => Date.parse(s.start))));
    const shared = rossi.days.flatMap((d) => d.slots).find((s) => kellerStarts.has(Date.parse(s.start)));
    if (!shared) throw new Error('the demo practice should have a time both can take');
    const occupancy = await check('emergency', 'dr-keller', shared.start);
    expect(occupancy.occupants).to.deep.include({ kind: 'resource', id: 'room-2' });
    await held(snapshot(occupancy));
    await waitFor(
      async () => (!(await startsOf('hygiene', 'dh-rossi')).includes(Date.parse(shared.start)) ? true : undefined),
      { what: "dh-rossi's slot to disappear" },
    );
  });

  it('when a hold lapses, then its slot is offered again even before any expiry event', async () => {
    const occupancy = await firstSlot('first-consultation', 'dr-keller');
    const start = Date.parse(occupancy.start);
    await held(snapshot(occupancy, { expiresAt: new Date(Date.now() + 1500).toISOString() }));
    await waitFor(
      async () => (!(await startsOf('first-consultation', 'dr-keller')).includes(start) ? true : undefined),
      {
        what: 'the held slot to disappear',
      },
    );
    await waitFor(
      async () => ((await startsOf('first-consultation', 'dr-keller')).includes(start) ? true : undefined),
      {
        what: 'the lapsed slot to come back',
        timeoutMs: 5000,
      },
    );
    expect((await check('first-consultation', 'dr-keller', occupancy.start)).start).to.equal(occupancy.start);
  });

  it('when the practice and catalogue are asked for, then they show settings and what can be booked per visit kind', async () => {
    const practice = await client.call('availability.getPractice', {});
    expect(practice).to.deep.include({
      name: 'Zahnarztpraxis Dr. Muster',
      timeZone: 'Europe/Zurich',
      smsOffered: false,
    });
    const first = await client.call('availability.getCatalogue', { visitKind: 'first' });
    const ids = first.appointmentTypes.map((t) => t.id);
    expect(ids).to.include('first-consultation').and.not.include('filling');
    expect(ids).not.to.include('implant-surgery');
    const all = await client.call('availability.getCatalogue', {});
    expect(all.practitioners.map((p) => p.id)).to.have.members(['dr-muster', 'dr-keller', 'dh-rossi']);
  });
});
