import type { Broker } from '@otk/messaging';
import type pg from 'pg';
import { erasePatientMessages, exportPatientMessages } from '../data-access/patient-data.repository.js';

/** The console's export and erasure of what notification keeps about a patient's bookings (ADR 73). */
export async function servePatientDataCommands(broker: Broker, pool: pg.Pool): Promise<void> {
  await broker.serveCommand('notification.exportPatient', (request) => exportPatientMessages(pool, request.bookingIds));
  await broker.serveCommand('notification.erasePatient', (request) => erasePatientMessages(pool, request.bookingIds));
}
