import type { Broker } from '@otk/messaging';
import type pg from 'pg';
import { erasePatientSync, exportPatientSync } from '../data-access/patient-data.repository.js';

/** The console's export and erasure of what pixelmedics-sync keeps about a patient's bookings (ADR 73). */
export async function servePatientDataCommands(broker: Broker, pool: pg.Pool): Promise<void> {
  await broker.serveCommand('sync.exportPatient', (request) => exportPatientSync(pool, request.bookingIds));
  await broker.serveCommand('sync.erasePatient', (request) => erasePatientSync(pool, request.bookingIds));
}
