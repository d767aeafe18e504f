import { startPeriodicJob } from '@otk/runtime';
import type { Logger } from 'pino';
import { expireWaitlistEntries } from '../domain/waitlist/expire-waitlist-entries.use-case.js';
import type { WaitlistDeps } from '../domain/waitlist/waitlist-ports.js';

/** Every `intervalMs`, entries whose range is over (or never confirmed in time) leave the list. */
export function startWaitlistExpiry(
  deps: Pick<WaitlistDeps, 'waitlist' | 'now'>,
  logger: Logger,
  intervalMs: number,
): () => Promise<void> {
  return startPeriodicJob({
    name: 'waitlist expiry',
    intervalMs,
    logger,
    run: async () => {
      const expired = await expireWaitlistEntries(deps);
      if (expired > 0) logger.info({ expired }, 'waiting-list entries expired');
    },
  });
}
