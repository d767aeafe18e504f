import { createPool } from '@otk/db';
import { Broker } from '@otk/messaging';
import { waitFor } from '@otk/test-kit';
import { expect } from 'chai';
import type pg from 'pg';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { seedDemoPracticeSystem } from '../../services/pixelmedics-sync/scripts/demo-practice-system.seed.js';
import { startDemoStack } from '../support/demo-stack.js';
import { type OfferedSlot, aHoldRequest, getJson, offeredSlots, postJson } from '../support/factories.js';
import type { Stack } from '../support/stack.js';

describe('practice system on the real stack', function () {
  this.timeout(120000);
  let stack: Stack;
  let pool: pg.Pool;
  let broker: Broker;

  before(async () => {
    stack = await startDemoStack();
    pool = createPool({ connectionString: stack.env.DATABASE_URL!, applicationName: 'test' });
    await seedDemoPracticeSystem(pool);
    broker = new Broker({
      url: stack.env.AMQP_URL!,
      service: 'test',
      logger: pino({ level: 'silent' }),
      registry: new Registry(),
    });
    await broker.waitUntilConnected();
  });

  after(async () => {
    await broker?.close();
    await pool?.end();
    await stack?.stop();
  });

  const stillOffered = async (slot: OfferedSlot) => {
    const day = slot.start.slice(0, 10);
    const { body } = await getJson(
      `${stack.gatewayUrl}/api/v1/availability?appointmentType=checkup&practitioner=dr-muster&from=${day}&to=${day}`,
    );
    const days = body.days as { slots: OfferedSlot[] }[];
    return days.flatMap((d) => d.slots).some((s) => s.start === slot.start);
  };

  it('when staff enter an appointment in the practice calendar, then after the import the slot is no longer offered, and it returns when the entry is deleted', async () => {
    const [slot] = await offeredSlots(stack.gatewayUrl, {
      appointmentType: 'checkup',
      practitioner: 'dr-muster',
      days: 14,
    });
    expect(slot, 'an offered slot').to.not.equal(undefined);
    const { rows } = await pool.query(
      `INSERT INTO pixelmedics_sync.pms_calendar_entries (source, status, label, colour, starts_at, ends_at, practitioner_id, resource_ids)
       VALUES ('staff', 'confirmed', 'Schmerzpatient', '#6D4C41', $1, $2, 'dr-muster', '{room-1}') RETURNING id`,
      [slot!.start, slot!.end],
    );

    expect((await broker.call('practice.importNow', {})).changed).to.equal(true);
    await waitFor(async () => ((await stillOffered(slot!)) ? undefined : true), { what: 'the slot to be blocked' });

    await pool.query('DELETE FROM pixelmedics_sync.pms_calendar_entries WHERE id = $1', [
      (rows[0] as { id: string }).id,
    ]);
    await broker.call('practice.importNow', {});
    await waitFor(async () => ((await stillOffered(slot!)) ? true : undefined), {
      what: 'the slot to be offered again',
    });
  });

  it('when a patient holds a slot online, then the practice calendar shows a provisional entry on the practitioner and the room', async () => {
    const [slot] = await offeredSlots(stack.gatewayUrl, {
      appointmentType: 'checkup',
      practitioner: 'dr-muster',
      days: 14,
    });
    const hold = await postJson(`${stack.gatewayUrl}/api/v1/holds`, aHoldRequest(slot));
    expect(hold.status, JSON.stringify(hold.body)).to.equal(201);
    const bookingId = String(hold.body.bookingId);

    const provisional = await waitFor(
      async () =>
        (
          await pool.query(
            `SELECT status, label, resource_ids FROM pixelmedics_sync.pms_calendar_entries WHERE booking_id = $1`,
            [bookingId],
          )
        ).rows[0] as { status: string; label: string; resource_ids: string[] } | undefined,
      { what: 'the provisional entry in the practice calendar' },
    );
    expect(provisional).to.deep.include({ status: 'provisional', resource_ids: ['room-1'] });
  });
});
