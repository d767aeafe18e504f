import { expect } from 'chai';
import { aBookingLife } from '../../test/support/booking-lifecycle.js';
import { InMemoryPracticeSystem, InMemorySyncJobStore, settingsOf } from '../../test/support/in-memory-ports.js';
import { applySyncJob, retryDelayMs } from './apply-sync-job.use-case.js';
import { PracticeSystemRejection } from './practice-system.port.js';

// 23:30 UTC on 31 December is already 1 January in Zurich.
const now = new Date('2029-12-31T23:30:00.000Z');

function setUp() {
  const practice = new InMemoryPracticeSystem();
  const jobs = new InMemorySyncJobStore(settingsOf({ onlineColour: '#123456' }));
  return { practice, jobs, deps: { practice, jobs, now } };
}

describe('applying a kept booking event (use case, in memory)', () => {
  it('when a kept event is applied, then the practice system has it, the booking state is remembered and the job completes', async () => {
    const { practice, jobs, deps } = setUp();
    const life = aBookingLife();

    const result = await applySyncJob({ seq: '1', event: life.held(), attempts: 0 }, deps);

    expect(result.result).to.equal('applied');
    const [entry] = practice.entriesOf(life.booking.bookingId);
    expect(entry).to.deep.include({ status: 'provisional', colour: '#123456' });
    expect(jobs.states.get(life.booking.bookingId)).to.deep.include({ entryId: entry?.entryId });
    expect(jobs.jobs.get('1')).to.deep.equal({ status: 'done' });
  });

  it("when the booking's next event is applied, then it starts from the remembered state and dates the note in the practice's time zone", async () => {
    const { practice, jobs, deps } = setUp();
    const patient = practice.addPatient({ firstName: 'Zoë', lastName: 'Müller', birthDate: '1980-04-12' });
    const life = aBookingLife();
    await applySyncJob({ seq: '1', event: life.held(), attempts: 0 }, deps);

    await applySyncJob({ seq: '2', event: life.confirmed(), attempts: 0 }, deps);

    expect(practice.entriesOf(life.booking.bookingId)).to.have.length(1);
    expect(practice.notes.get(patient.id)?.[0]).to.include('vom 2030-01-01:');
    expect(jobs.jobs.get('2')).to.deep.equal({ status: 'done' });
  });

  it('when the practice system refuses the event for good, then the job is parked for an operator and the state is kept as it was', async () => {
    const { practice, jobs, deps } = setUp();
    const life = aBookingLife();
    practice.failNext.set('createCalendarEntry', new PracticeSystemRejection('unknown practitioner'));

    const result = await applySyncJob({ seq: '1', event: life.held(), attempts: 0 }, deps);

    expect(result).to.deep.include({ result: 'refused', error: 'unknown practitioner' });
    expect(jobs.jobs.get('1')).to.deep.equal({
      status: 'failed',
      error: 'unknown practitioner',
      code: 'PRACTICE_SYSTEM_REFUSED',
    });
    expect(jobs.states.has(life.booking.bookingId)).to.equal(false);
  });

  it('when the practice system fails for now, then the job is due again after a backoff that grows with its attempts', async () => {
    const { practice, jobs, deps } = setUp();
    practice.failNext.set('createCalendarEntry', new Error('connector down'));

    const result = await applySyncJob({ seq: '1', event: aBookingLife().held(), attempts: 3 }, deps);

    expect(result).to.deep.include({ result: 'retry-later', delayMs: 8000 });
    expect(jobs.jobs.get('1')).to.deep.equal({ status: 'retry', delayMs: 8000, error: 'connector down' });
  });

  it('when a kept job is not a valid booking event, then it is parked without calling the practice system', async () => {
    const { practice, jobs, deps } = setUp();

    const result = await applySyncJob({ seq: '1', event: { type: 'booking.held', data: {} }, attempts: 0 }, deps);

    expect(result.result).to.equal('unreadable');
    expect(jobs.jobs.get('1')?.status).to.equal('failed');
    expect(practice.writes).to.deep.equal([]);
  });

  it('when the practice system stays down, then the backoff doubles from 1 s and stays at 5 min', () => {
    expect([1, 2, 3, 4, 9, 10, 50].map(retryDelayMs)).to.deep.equal([1000, 2000, 4000, 8000, 256000, 300000, 300000]);
  });
});
