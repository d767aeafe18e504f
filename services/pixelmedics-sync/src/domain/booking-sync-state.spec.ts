import { expect } from 'chai';
import { type OpenSyncJob, bookingSyncState } from './booking-sync-state.js';

const syncedAt = new Date('2030-01-07T08:00:00Z');
const nextAttemptAt = new Date('2030-01-07T09:05:00Z');
const waiting = (attempts = 0): OpenSyncJob => ({
  status: 'pending',
  attempts,
  nextAttemptAt,
  errorCode: attempts > 0 ? 'PRACTICE_SYSTEM_UNAVAILABLE' : null,
});
const parked: OpenSyncJob = { status: 'failed', attempts: 1, nextAttemptAt, errorCode: 'PRACTICE_SYSTEM_REFUSED' };

describe('a booking’s state in the practice system', () => {
  it('when no event of the booking reached the practice system yet, then it is pending', () => {
    expect(bookingSyncState([], null)).to.deep.equal({
      state: 'pending',
      syncedAt: null,
      nextAttemptAt: null,
      attempts: 0,
      errorCode: null,
    });
    expect(bookingSyncState([waiting()], syncedAt).state).to.equal('pending');
  });

  it('when every event was applied, then it is synced with the time of the last', () => {
    expect(bookingSyncState([], syncedAt)).to.deep.equal({
      state: 'synced',
      syncedAt: '2030-01-07T08:00:00.000Z',
      nextAttemptAt: null,
      attempts: 0,
      errorCode: null,
    });
  });

  it('when the next event failed for now, then it is retrying with the next attempt and the code', () => {
    expect(bookingSyncState([waiting(3), waiting()], syncedAt)).to.deep.equal({
      state: 'retrying',
      syncedAt: '2030-01-07T08:00:00.000Z',
      nextAttemptAt: '2030-01-07T09:05:00.000Z',
      attempts: 3,
      errorCode: 'PRACTICE_SYSTEM_UNAVAILABLE',
    });
  });

  it('when an event was refused for good, then it is parked with the code, even while later events wait', () => {
    expect(bookingSyncState([waiting(), parked], syncedAt)).to.deep.include({
      state: 'parked',
      attempts: 1,
      errorCode: 'PRACTICE_SYSTEM_REFUSED',
      nextAttemptAt: null,
    });
  });
});
