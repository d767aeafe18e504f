import { AppError } from '@otk/contracts';
import type { Broker } from '@otk/messaging';
import type pg from 'pg';
import { listParkedJobs, retryParkedJobs } from '../data-access/sync-job.repository.js';

/**
 * The console's view of the booking events the practice system refused for good (ADR 40): listed,
 * and put back in the queue once their cause is fixed, as the `retry-parked-jobs` operator
 * command does. The running worker picks them up at its next poll.
 */
export async function serveParkedJobCommands(broker: Broker, pool: pg.Pool): Promise<void> {
  await broker.serveCommand('sync.listParkedJobs', async () => ({ jobs: await listParkedJobs(pool) }));
  await broker.serveCommand('sync.retryParkedJobs', async ({ seq }) => {
    const retried = await retryParkedJobs(pool, seq);
    if (seq !== undefined && retried.length === 0) throw new AppError('NOT_FOUND', 'no parked job with this seq');
    return { retried };
  });
}
