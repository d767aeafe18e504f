import { AppError, type CommandName, type CommandReply } from '@otk/contracts';
import { expect } from 'chai';
import {
  type PatientDataAuditEntry,
  type PatientDataDeps,
  erasePatientData,
  exportPatientData,
} from './patient-data.use-case.js';

const bookingIds = ['11111111-1111-4111-8111-111111111111', '22222222-2222-4222-8222-222222222222'];

/** Owners that answer from a table of replies, or fail for the commands named in `failing`. */
function harness(replies: Partial<{ [N in CommandName]: CommandReply<N> }>, failing: CommandName[] = []) {
  const audit: PatientDataAuditEntry[] = [];
  const calls: CommandName[] = [];
  const deps: PatientDataDeps = {
    owners: {
      call: async (name) => {
        calls.push(name);
        if (failing.includes(name)) throw new AppError('UNAVAILABLE', `${name} is down`);
        return replies[name] as never;
      },
    },
    audit: async (entry) => void audit.push(entry),
    now: () => new Date('2026-06-01T12:00:00Z'),
  };
  return { deps, audit, calls };
}

const erasedAtHoldManager: CommandReply<'hold.erasePatient'> = {
  bookingIds,
  alreadyErased: false,
  erased: { bookings: 2, linkTokens: 3, eventData: 1 },
};

describe("the console's export and erasure of a patient", () => {
  it('when a patient is exported, then every owner is asked for the bookings hold-manager found and the audit names them', async () => {
    const { deps, audit, calls } = harness({
      'hold.exportPatient': { matchedBy: 'name-and-birth-date', bookings: [] },
      'notification.exportPatient': { messages: [], webhookDeliveries: [] },
      'sync.exportPatient': { syncJobs: [], practiceSystemLinks: [] },
    });
    const result = await exportPatientData(deps, bookingIds[0]!);
    expect(calls).to.deep.equal(['hold.exportPatient', 'notification.exportPatient', 'sync.exportPatient']);
    expect(result).to.include({ bookingId: bookingIds[0], matchedBy: 'name-and-birth-date' });
    expect(audit).to.deep.equal([
      {
        action: 'patient.export',
        target: bookingIds[0],
        details: { matchedBy: 'name-and-birth-date', bookingIds: [] },
      },
    ]);
  });

  it('when hold-manager refuses the erasure, then no other service is asked and nothing is audited as erased', async () => {
    const { deps, audit, calls } = harness({}, ['hold.erasePatient']);
    await erasePatientData(deps, bookingIds[0]!).then(
      () => expect.fail('the erasure should fail'),
      (error: AppError) => expect(error.code).to.equal('UNAVAILABLE'),
    );
    expect(calls).to.deep.equal(['hold.erasePatient']);
    expect(audit).to.deep.equal([]);
  });

  it('when a service fails after hold-manager erased, then the audit says how far it got and the failure is passed on', async () => {
    const { deps, audit } = harness(
      {
        'hold.erasePatient': erasedAtHoldManager,
        'notification.erasePatient': {
          erased: { messages: 4, webhookDeliveries: 0 },
          pending: { webhookDeliveries: 0 },
        },
      },
      ['sync.erasePatient'],
    );
    await erasePatientData(deps, bookingIds[0]!).then(
      () => expect.fail('the erasure should fail'),
      (error: AppError) => expect(error.code).to.equal('UNAVAILABLE'),
    );
    expect(audit).to.deep.equal([
      {
        action: 'patient.erase',
        target: bookingIds[0],
        details: {
          bookingIds,
          alreadyErased: false,
          erased: { holdManager: erasedAtHoldManager.erased },
          incomplete: true,
        },
      },
    ]);
  });

  it('when every service erased, then the answer and the audit have the counts of each, and what is still pending', async () => {
    const { deps, audit } = harness({
      'hold.erasePatient': erasedAtHoldManager,
      'notification.erasePatient': { erased: { messages: 4, webhookDeliveries: 1 }, pending: { webhookDeliveries: 1 } },
      'sync.erasePatient': { erased: { syncJobs: 6, practiceSystemLinks: 2 }, pending: { syncJobs: 0 } },
    });
    const result = await erasePatientData(deps, bookingIds[1]!);
    expect(result).to.deep.equal({
      bookingIds,
      alreadyErased: false,
      erased: {
        holdManager: { bookings: 2, linkTokens: 3, eventData: 1 },
        notification: { messages: 4, webhookDeliveries: 1 },
        pixelmedicsSync: { syncJobs: 6, practiceSystemLinks: 2 },
      },
      pending: { notification: { webhookDeliveries: 1 }, pixelmedicsSync: { syncJobs: 0 } },
    });
    expect(audit).to.deep.equal([
      {
        action: 'patient.erase',
        target: bookingIds[1],
        details: { bookingIds, alreadyErased: false, erased: result.erased, pending: result.pending },
      },
    ]);
  });
});
