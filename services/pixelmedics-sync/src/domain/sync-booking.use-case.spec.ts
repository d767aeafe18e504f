import { expect } from 'chai';
import { aBookingLife } from '../../test/support/booking-lifecycle.js';
import { InMemoryPracticeSystem } from '../../test/support/in-memory-ports.js';
import { patientGroups } from './contact-records.js';
import { type BookingEvent, type BookingSyncState, emptySyncState, syncBookingEvent } from './sync-booking.use-case.js';

const settings = { onlineColour: '#2E7D32', today: '2030-01-01' };
const zoe = { firstName: 'Zoë', lastName: 'Müller', birthDate: '1980-04-12' };

/** Applies a booking's events in order, as the worker does, and returns the state it remembers. */
async function sync(practice: InMemoryPracticeSystem, ...events: unknown[]): Promise<BookingSyncState> {
  let state = emptySyncState;
  for (const event of events) state = await syncBookingEvent(practice, event as BookingEvent, state, settings);
  return state;
}

describe('syncing a booking to the practice system (use case, in memory)', () => {
  it('when a booking is held, then a provisional entry in the online colour is built on the practitioner and the linked room', async () => {
    const practice = new InMemoryPracticeSystem();
    const life = aBookingLife();

    const state = await sync(practice, life.held());

    expect(practice.entriesOf(life.booking.bookingId)).to.deep.equal([
      {
        entryId: state.entryId,
        status: 'provisional',
        label: 'Online-Termin (provisorisch): Kontrolle',
        colour: '#2E7D32',
        start: life.booking.start,
        end: life.booking.end,
        practitionerId: 'dr-muster',
        appointmentTypeId: 'checkup',
        resourceIds: ['room-1'],
        contactId: null,
        bookingId: life.booking.bookingId,
      },
    ]);
    expect(state).to.deep.equal({ entryId: state.entryId, contactId: null, prospectCreated: false });
  });

  it('when an existing patient confirms, then a dated note is appended to that contact and the entry is confirmed on it', async () => {
    const practice = new InMemoryPracticeSystem();
    const patient = practice.addPatient({ ...zoe, firstName: 'ZOE' });
    const life = aBookingLife({ patient: zoe });

    const state = await sync(practice, life.held(), life.confirmed());

    expect(state).to.deep.include({ contactId: patient.id, prospectCreated: false });
    expect(practice.notes.get(patient.id)?.[0]).to.match(/^Angaben aus der Online-Terminbuchung vom 2030-01-01:\n/);
    expect(practice.entriesOf(life.booking.bookingId)[0]).to.deep.include({
      status: 'confirmed',
      label: 'Online-Termin: Kontrolle',
      contactId: patient.id,
    });
    expect(practice.contacts.filter((c) => c.kind === 'prospect')).to.have.length(0);
  });

  it('when nobody matches, then a prospect is created with the entered data and put in the NEW group', async () => {
    const practice = new InMemoryPracticeSystem();
    const life = aBookingLife({ patient: zoe });

    const state = await sync(practice, life.held(), life.confirmed());

    const prospect = practice.contacts.find((c) => c.id === state.contactId);
    expect(prospect).to.deep.include({ kind: 'prospect', lastName: 'Müller', street: 'Bahnhofstrasse 1' });
    expect(practice.groups.get(prospect!.id)).to.deep.equal([patientGroups.newProspect]);
    expect(state.prospectCreated).to.equal(true);
  });

  it('when two contacts match, then a prospect is created with a note naming both, and neither is chosen', async () => {
    const practice = new InMemoryPracticeSystem();
    const first = practice.addPatient(zoe);
    const second = practice.addPatient(zoe);
    const life = aBookingLife({ patient: zoe });

    const state = await sync(practice, life.held(), life.confirmed());

    expect(state.contactId).to.not.be.oneOf([first.id, second.id]);
    const [note] = practice.notes.get(state.contactId!) ?? [];
    expect(note).to.include(`(Kontakt ${first.id})`).and.to.include(`(Kontakt ${second.id})`);
    expect(practice.notes.has(first.id)).to.equal(false);
  });

  it('when the patient gave no birth date, then no contact is looked up and a prospect is created', async () => {
    const practice = new InMemoryPracticeSystem();
    practice.addPatient(zoe);
    const life = aBookingLife({ patient: { ...zoe, birthDate: undefined } });

    const state = await sync(practice, life.held(), life.confirmed());

    expect(state.prospectCreated).to.equal(true);
  });

  it('when a hold expires, then its provisional entry is removed and forgotten', async () => {
    const practice = new InMemoryPracticeSystem();
    const life = aBookingLife();

    const state = await sync(practice, life.held(), life.expired());

    expect(practice.entriesOf(life.booking.bookingId)).to.deep.equal([]);
    expect(state.entryId).to.equal(null);
  });

  it('when a new prospect cancels, then the entry is marked cancelled and the prospect gets STO_NEW', async () => {
    const practice = new InMemoryPracticeSystem();
    const life = aBookingLife({ patient: zoe });

    const state = await sync(practice, life.held(), life.confirmed(), life.cancelled());

    expect(practice.entriesOf(life.booking.bookingId)[0]).to.deep.include({
      status: 'cancelled',
      label: 'Online-Termin (storniert): Kontrolle',
    });
    expect(practice.groups.get(state.contactId!)).to.deep.equal([
      patientGroups.newProspect,
      patientGroups.cancelledProspect,
    ]);
  });

  it('when an existing patient cancels, then no group is added', async () => {
    const practice = new InMemoryPracticeSystem();
    const patient = practice.addPatient(zoe);
    const life = aBookingLife({ patient: zoe });

    await sync(practice, life.held(), life.confirmed(), life.cancelled());

    expect(practice.groups.has(patient.id)).to.equal(false);
  });

  it('when a confirmed booking is changed, then its entry moves to the new time', async () => {
    const practice = new InMemoryPracticeSystem();
    const life = aBookingLife();
    const start = '2030-01-08T09:00:00.000Z';
    const end = '2030-01-08T09:30:00.000Z';

    await sync(practice, life.held(), life.confirmed(), life.changed(start, end));

    expect(practice.entriesOf(life.booking.bookingId)).to.have.length(1);
    expect(practice.entriesOf(life.booking.bookingId)[0]).to.deep.include({ status: 'confirmed', start, end });
  });

  it('when a confirmation failed halfway and is applied again, then nothing written before is written twice', async () => {
    const practice = new InMemoryPracticeSystem();
    const life = aBookingLife({ patient: zoe });
    const held = await sync(practice, life.held());
    const confirmed = life.confirmed();
    practice.failNext.set('updateCalendarEntry', new Error('connector timed out'));

    const failed = await syncBookingEvent(practice, confirmed as BookingEvent, held, settings).catch((e: unknown) => e);
    const state = await syncBookingEvent(practice, confirmed as BookingEvent, held, settings);

    expect(failed).to.have.property('message', 'connector timed out');
    expect(practice.contacts.filter((c) => c.kind === 'prospect')).to.have.length(1);
    expect(practice.groups.get(state.contactId!)).to.deep.equal([patientGroups.newProspect]);
    expect(practice.entriesOf(life.booking.bookingId)[0]).to.deep.include({ status: 'confirmed' });
    expect(practice.writes.filter((w) => w.startsWith('createProspect'))).to.have.length(1);
  });
});
