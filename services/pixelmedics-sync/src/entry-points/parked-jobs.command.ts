import type { OperatorCommand } from '@otk/runtime';
import { listParkedJobs, retryParkedJobs } from '../data-access/sync-job.repository.js';

/**
 * `retry-parked-jobs`: the booking events the practice system refused for good, listed or put
 * back in the queue once their cause is fixed. The running worker picks them up at its next poll.
 */
export const retryParkedJobsCommand: OperatorCommand = {
  summary: 'lists the parked sync jobs or puts them back in the queue',
  options: {
    seq: { type: 'string', description: 'only the job with this seq' },
    'dry-run': { type: 'boolean', description: 'list the parked jobs, change nothing' },
  },
  async run({ values, pool, print }) {
    const seq = values.seq as string | undefined;
    if (seq !== undefined && !/^[1-9][0-9]{0,18}$/.test(seq)) throw new Error('--seq must be a positive integer');
    const parked = await listParkedJobs(pool(), seq);
    for (const job of parked) print({ ...job });
    const retried = values['dry-run'] ? [] : await retryParkedJobs(pool(), seq);
    print({ parked: parked.length, retried: retried.length });
  },
};
