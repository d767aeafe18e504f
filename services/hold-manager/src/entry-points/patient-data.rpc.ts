import type { Broker } from '@otk/messaging';
import type pg from 'pg';
import { patientDataStore } from '../data-access/patient-data.repository.js';
import { erasePatient, exportPatient } from '../domain/patient-data.use-case.js';

/** The console's export and erasure of a patient's bookings (ADR 73). */
export async function servePatientDataCommands(broker: Broker, pool: pg.Pool, now: () => Date): Promise<void> {
  const store = patientDataStore(pool);
  await broker.serveCommand('hold.exportPatient', (request) => exportPatient(store, request.bookingId));
  await broker.serveCommand('hold.erasePatient', (request) => erasePatient(store, request.bookingId, now()));
}
