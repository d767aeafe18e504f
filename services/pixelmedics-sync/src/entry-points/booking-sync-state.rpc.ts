import type { Broker } from '@otk/messaging';
import type pg from 'pg';
import { loadBookingSyncProgress } from '../data-access/sync-job.repository.js';
import { bookingSyncState } from '../domain/booking-sync-state.js';

/** A booking's state in the practice system, for the console's booking detail (ADR 40). */
export async function serveBookingSyncStateCommand(broker: Broker, pool: pg.Pool): Promise<void> {
  await broker.serveCommand('sync.getBookingState', async ({ bookingId }) => {
    const { openJobs, lastSyncedAt } = await loadBookingSyncProgress(pool, bookingId);
    return bookingSyncState(openJobs, lastSyncedAt);
  });
}
