import type { CommandName, CommandReply, CommandRequest } from '@otk/contracts';

/**
 * A patient's right of access and erasure (ADR 73), starting from one of their bookings. Each
 * service exports and erases what it keeps: hold-manager finds the patient's bookings, then
 * notification and pixelmedics-sync answer for those bookings. The gateway keeps nothing of it but
 * the audit entry, which names bookings and counts, never the patient's data.
 */
export interface PatientDataOwners {
  call<N extends CommandName>(name: N, request: CommandRequest<N>): Promise<CommandReply<N>>;
}

export interface PatientDataAuditEntry {
  action: 'patient.export' | 'patient.erase';
  /** The booking the staff member started from. */
  target: string;
  details: Record<string, unknown>;
}

export interface PatientDataDeps {
  owners: PatientDataOwners;
  audit(entry: PatientDataAuditEntry): Promise<void>;
  now(): Date;
}

export interface PatientDataExport {
  exportedAt: string;
  bookingId: string;
  matchedBy: CommandReply<'hold.exportPatient'>['matchedBy'];
  holdManager: { bookings: CommandReply<'hold.exportPatient'>['bookings'] };
  notification: CommandReply<'notification.exportPatient'>;
  pixelmedicsSync: CommandReply<'sync.exportPatient'>;
}

export interface PatientDataErasure {
  bookingIds: string[];
  alreadyErased: boolean;
  erased: {
    holdManager: CommandReply<'hold.erasePatient'>['erased'];
    notification: CommandReply<'notification.erasePatient'>['erased'];
    pixelmedicsSync: CommandReply<'sync.erasePatient'>['erased'];
  };
  /** What is still owed to the practice's systems; a later erasure removes it once delivered. */
  pending: {
    notification: CommandReply<'notification.erasePatient'>['pending'];
    pixelmedicsSync: CommandReply<'sync.erasePatient'>['pending'];
  };
}

/** Everything OTK keeps about the patient of a booking, by the service that keeps it. */
export async function exportPatientData(deps: PatientDataDeps, bookingId: string): Promise<PatientDataExport> {
  const { matchedBy, bookings } = await deps.owners.call('hold.exportPatient', { bookingId });
  const bookingIds = bookings.map((b) => b.bookingId);
  const [notification, pixelmedicsSync] = await Promise.all([
    deps.owners.call('notification.exportPatient', { bookingIds }),
    deps.owners.call('sync.exportPatient', { bookingIds }),
  ]);
  await deps.audit({ action: 'patient.export', target: bookingId, details: { matchedBy, bookingIds } });
  return {
    exportedAt: deps.now().toISOString(),
    bookingId,
    matchedBy,
    holdManager: { bookings },
    notification,
    pixelmedicsSync,
  };
}

/**
 * Erases the patient of a booking everywhere: hold-manager first (it refuses while a booking is
 * open, before anything is erased), then the services that keep copies. Every step can be asked
 * again, so an erasure cut short by an outage is finished by asking again; the audit entry says
 * how far it got.
 */
export async function erasePatientData(deps: PatientDataDeps, bookingId: string): Promise<PatientDataErasure> {
  const holdManager = await deps.owners.call('hold.erasePatient', { bookingId });
  const { bookingIds, alreadyErased } = holdManager;
  const audit = (details: Record<string, unknown>) =>
    deps.audit({ action: 'patient.erase', target: bookingId, details: { bookingIds, alreadyErased, ...details } });
  let notification: CommandReply<'notification.erasePatient'>;
  let pixelmedicsSync: CommandReply<'sync.erasePatient'>;
  try {
    notification = await deps.owners.call('notification.erasePatient', { bookingIds });
    pixelmedicsSync = await deps.owners.call('sync.erasePatient', { bookingIds });
  } catch (error) {
    await audit({ erased: { holdManager: holdManager.erased }, incomplete: true });
    throw error;
  }
  const erasure: PatientDataErasure = {
    bookingIds,
    alreadyErased,
    erased: {
      holdManager: holdManager.erased,
      notification: notification.erased,
      pixelmedicsSync: pixelmedicsSync.erased,
    },
    pending: { notification: notification.pending, pixelmedicsSync: pixelmedicsSync.pending },
  };
  await audit({ erased: erasure.erased, pending: erasure.pending });
  return erasure;
}
