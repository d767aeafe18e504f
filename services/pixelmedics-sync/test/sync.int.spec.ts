import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Envelope, EventData } from '@otk/contracts';
import { Broker, done } from '@otk/messaging';
import { type RunningService, startService } from '@otk/runtime';
import { type MigratedTestDatabase, type TestVhost, createTestVhost, waitFor } from '@otk/test-kit';
import { expect } from 'chai';
import type pg from 'pg';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { BuiltinPracticeSystem } from '../src/data-access/builtin-practice-system.js';
import { patientGroups } from '../src/domain/contact-records.js';
import { createReferenceServer } from './support/reference-server.js';
import { pixelmedicsSync } from '../src/service.js';
import { aBookingLife } from './support/booking-lifecycle.js';
import { createMigratedDatabase } from './support/migrated-database.js';
import { practiceRecords } from './support/practice-records.js';

const apiKey = 'reference-server-test-key';
const logger = pino({ level: 'silent' });
let birthDay = 0;
/** Each scenario its own person: contacts match by birth date first. */
const uniqueBirthDate = () => `1970-01-${String((birthDay += 1)).padStart(2, '0')}`;

for (const adapter of ['builtin', 'http'] as const) {
  describe(`pixelmedics-sync with the ${adapter} adapter, driven by booking events over RabbitMQ`, function () {
    this.timeout(60000);
    let db: MigratedTestDatabase;
    let vhost: TestVhost;
    let pool: pg.Pool;
    let broker: Broker;
    let service: RunningService;
    let reference: { server: Server; port: number } | undefined;
    let records: ReturnType<typeof practiceRecords>;

    const startReference = async (port = 0) => {
      const app = createReferenceServer(new BuiltinPracticeSystem(pool), apiKey);
      const server = await new Promise<Server>((resolve) => {
        const s = app.listen(port, '127.0.0.1', () => resolve(s));
      });
      reference = { server, port: (server.address() as AddressInfo).port };
    };
    const stopReference = () => new Promise<void>((resolve) => reference!.server.close(() => resolve()));

    before(async () => {
      [db, vhost] = await Promise.all([createMigratedDatabase(), createTestVhost()]);
      pool = db.pool;
      records = practiceRecords(pool);
      if (adapter === 'http') await startReference();
      service = await startService(pixelmedicsSync, {
        DATABASE_URL: db.url,
        AMQP_URL: vhost.url,
        PORT: '0',
        MANAGEMENT_PORT: '0',
        LOG_LEVEL: 'silent',
        PRACTICE_SYSTEM_ADAPTER: adapter,
        ...(reference
          ? { PRACTICE_SYSTEM_URL: `http://127.0.0.1:${reference.port}`, PRACTICE_SYSTEM_API_KEY: apiKey }
          : {}),
      });
      broker = new Broker({ url: vhost.url, service: 'test', logger, registry: new Registry() });
      await broker.waitUntilConnected();
    });

    after(async () => {
      await broker?.close();
      await service?.stop();
      if (reference?.server.listening) await stopReference();
      await Promise.allSettled([db?.drop(), vhost?.remove()]);
    });

    const publish = async (...events: Envelope[]) => {
      for (const event of events) await broker.publish(event);
    };
    const entryOf = (bookingId: string, status: string) =>
      waitFor(async () => (await records.entriesOf(bookingId)).find((e) => e.status === status), {
        what: `a ${status} calendar entry`,
        timeoutMs: 20000,
      });

    it('when a booking is held, then a provisional entry in the online colour occupies the practitioner and the linked room (D3, S4, S6)', async () => {
      const life = aBookingLife();
      await publish(life.held());
      const entry = await entryOf(life.booking.bookingId, 'provisional');
      expect(entry.label).to.match(/^Online-Termin \(provisorisch\)/);
      expect(entry.colour).to.equal('#2E7D32');
      expect(entry.practitioner_id).to.equal('dr-muster');
      expect(entry.resource_ids).to.deep.equal(['room-1']);
      expect(entry.contact_id).to.equal(null);
    });

    it('when an existing contact confirms, then a dated note with the entered data is appended and nothing is overwritten (S1, S2, S5)', async () => {
      const birthDate = uniqueBirthDate();
      const contactId = await records.addPatient({
        firstName: 'Zoë',
        lastName: 'Müller',
        birthDate,
        street: 'Alte Gasse 9',
        phone: '+41440000000',
      });
      const life = aBookingLife({ patient: { firstName: 'Zoë', lastName: 'Müller', birthDate } });
      await publish(life.held(), life.confirmed());

      const entry = await entryOf(life.booking.bookingId, 'confirmed');
      expect(entry.label).to.match(/^Online-Termin: /);
      expect(entry.contact_id).to.equal(contactId);
      const notes = await records.notesOf(contactId);
      expect(notes).to.have.length(1);
      expect(notes[0]).to.include('Bahnhofstrasse 1').and.include('+41791234567').and.include('zoe.mueller@example.ch');
      const [contact] = (await records.contactsNamed('Müller')).filter((c) => c.id === contactId);
      expect(contact).to.include({ street: 'Alte Gasse 9', phone: '+41440000000', email: null });
      expect(await records.groupsOf(contactId)).to.deep.equal([]);
    });

    it('when the names differ in case, accents and spacing, then the existing contact is still matched (S1)', async () => {
      const birthDate = uniqueBirthDate();
      const contactId = await records.addPatient({ firstName: 'René', lastName: 'Dubois-Lévêque', birthDate });
      const life = aBookingLife({ patient: { firstName: ' rene ', lastName: 'DUBOIS-LEVEQUE', birthDate } });
      await publish(life.held(), life.confirmed());
      expect((await entryOf(life.booking.bookingId, 'confirmed')).contact_id).to.equal(contactId);
    });

    it('when nobody matches, then a prospect is created with all data and the NEW group (S3, S5)', async () => {
      const life = aBookingLife({ patient: { firstName: 'Lia', lastName: 'Neukunde', birthDate: uniqueBirthDate() } });
      await publish(life.held(), life.confirmed());
      const entry = await entryOf(life.booking.bookingId, 'confirmed');
      const [prospect] = await records.contactsNamed('Neukunde');
      expect(prospect).to.include({
        id: entry.contact_id,
        kind: 'prospect',
        street: 'Bahnhofstrasse 1',
        phone: '+41791234567',
      });
      expect(await records.groupsOf(prospect!.id)).to.deep.equal([patientGroups.newProspect]);
    });

    it('when two contacts match, then no automatic choice is made: a prospect names both candidates for staff', async () => {
      const birthDate = uniqueBirthDate();
      const first = await records.addPatient({ firstName: 'Max', lastName: 'Zwilling', birthDate });
      const second = await records.addPatient({ firstName: 'Max', lastName: 'Zwilling', birthDate });
      const life = aBookingLife({ patient: { firstName: 'Max', lastName: 'Zwilling', birthDate } });
      await publish(life.held(), life.confirmed());
      const entry = await entryOf(life.booking.bookingId, 'confirmed');
      const prospect = (await records.contactsNamed('Zwilling')).find((c) => c.kind === 'prospect')!;
      expect(entry.contact_id).to.equal(prospect.id);
      const [note] = await records.notesOf(prospect.id);
      expect(note).to.include(first).and.include(second);
      expect(await records.notesOf(first)).to.deep.equal([]);
    });

    it('when a new prospect cancels, then the entry is cancelled and the prospect gets STO_NEW (S5)', async () => {
      const life = aBookingLife({ patient: { firstName: 'Sina', lastName: 'Storno', birthDate: uniqueBirthDate() } });
      await publish(life.held(), life.confirmed(), life.cancelled());
      const entry = await entryOf(life.booking.bookingId, 'cancelled');
      expect(await records.groupsOf(entry.contact_id!)).to.deep.equal([
        patientGroups.newProspect,
        patientGroups.cancelledProspect,
      ]);
    });

    it('when an existing contact cancels, then no group is added', async () => {
      const birthDate = uniqueBirthDate();
      const contactId = await records.addPatient({ firstName: 'Eva', lastName: 'Bestand', birthDate });
      const life = aBookingLife({ patient: { firstName: 'Eva', lastName: 'Bestand', birthDate } });
      await publish(life.held(), life.confirmed(), life.cancelled());
      await entryOf(life.booking.bookingId, 'cancelled');
      expect(await records.groupsOf(contactId)).to.deep.equal([]);
    });

    it('when a confirmed booking is changed, then its entry moves', async () => {
      const life = aBookingLife({ patient: { firstName: 'Ida', lastName: 'Umbuchung', birthDate: uniqueBirthDate() } });
      await publish(
        life.held(),
        life.confirmed(),
        life.changed('2030-01-08T13:00:00.000Z', '2030-01-08T13:30:00.000Z'),
      );
      await waitFor(
        async () => {
          const [entry] = await records.entriesOf(life.booking.bookingId);
          return entry?.starts_at.toISOString() === '2030-01-08T13:00:00.000Z' ? entry : undefined;
        },
        { what: 'the moved entry', timeoutMs: 20000 },
      );
    });

    it('when a hold expires, then its provisional entry is removed (D3)', async () => {
      const life = aBookingLife();
      await publish(life.held());
      await entryOf(life.booking.bookingId, 'provisional');
      await publish(life.expired());
      await waitFor(async () => ((await records.entriesOf(life.booking.bookingId)).length === 0 ? true : undefined), {
        what: 'the entry to be removed',
      });
    });

    it('when the same event is delivered twice, then it changes nothing twice', async () => {
      const life = aBookingLife({ patient: { firstName: 'Tom', lastName: 'Doppelt', birthDate: uniqueBirthDate() } });
      const held = life.held();
      const confirmed = life.confirmed();
      await publish(held, held, confirmed, confirmed);
      await entryOf(life.booking.bookingId, 'confirmed');
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(await records.entriesOf(life.booking.bookingId)).to.have.length(1);
      expect(await records.contactsNamed('Doppelt')).to.have.length(1);
    });

    it('when staff add an entry to the practice calendar, then an import publishes it as a busy time, and an unchanged calendar publishes nothing unless forced', async () => {
      const imported: EventData<'practice.busyTimesImported'>[] = [];
      await broker.consumeEvents({
        queue: `test.imports.${adapter}`,
        routingKeys: ['practice.busyTimesImported'],
        handlers: {
          'practice.busyTimesImported': async (event) => {
            imported.push(event.data);
            return done();
          },
        },
      });
      const { rows } = await pool.query(
        `INSERT INTO pixelmedics_sync.pms_calendar_entries (source, status, label, colour, starts_at, ends_at, practitioner_id, resource_ids)
         VALUES ('staff', 'confirmed', 'Notfall', '#000000', now() + interval '1 day', now() + interval '1 day 30 minutes', 'dr-muster', '{room-1}')
         RETURNING id`,
      );
      const entryId = (rows[0] as { id: string }).id;

      const first = await broker.call('practice.importNow', {});
      expect(first.changed).to.equal(true);
      const event = await waitFor(() => imported.find((e) => e.busyTimes.some((b) => b.entryId === entryId)), {
        what: 'the imported busy time',
      });
      expect(event.busyTimes.find((b) => b.entryId === entryId)).to.deep.include({
        practitionerId: 'dr-muster',
        resourceIds: ['room-1'],
      });
      expect((await broker.call('practice.importNow', {})).changed).to.equal(false);

      // A consumer rebuilding its state asks for the unchanged import again.
      const count = imported.length;
      expect((await broker.call('practice.importNow', { force: true })).changed).to.equal(true);
      await waitFor(() => (imported.length > count ? true : undefined), { what: 'the forced import' });
    });

    if (adapter === 'http') {
      it('when the practice system is down for a while, then every booking arrives once after recovery, in order', async () => {
        const port = reference!.port;
        await stopReference();
        const lives = [1, 2, 3].map((i) =>
          aBookingLife({ patient: { firstName: `Ana${i}`, lastName: 'Ausfall', birthDate: uniqueBirthDate() } }),
        );
        for (const life of lives) await publish(life.held(), life.confirmed(), life.cancelled());
        await waitFor(
          async () => {
            const text = await (await fetch(`http://127.0.0.1:${service.managementPort}/metrics`)).text();
            return /pixelmedics_sync_failures_total\{[^}]*\} [1-9]/.test(text) ? true : undefined;
          },
          { what: 'failed attempts while the practice system is down' },
        );
        for (const life of lives) expect(await records.entriesOf(life.booking.bookingId)).to.deep.equal([]);

        await startReference(port);
        for (const life of lives) {
          const entry = await entryOf(life.booking.bookingId, 'cancelled');
          // The cancel was applied after the confirm: the prospect exists and carries both groups.
          expect(await records.groupsOf(entry.contact_id!)).to.deep.equal([
            patientGroups.newProspect,
            patientGroups.cancelledProspect,
          ]);
          expect(await records.entriesOf(life.booking.bookingId)).to.have.length(1);
        }
        expect(await records.contactsNamed('Ausfall')).to.have.length(3);
      });
    }
  });
}
