import { startPeriodicJob } from '@otk/runtime';
import type { Logger } from 'pino';
import { newlyFreeSlotScan } from '../domain/waitlist/offer-newly-free-slots.use-case.js';
import type { WaitlistDeps } from '../domain/waitlist/waitlist-ports.js';

/** Every `intervalMs`, slots freed by a change in the practice calendar or the catalogue are offered to the list. */
export function startWaitlistScan(deps: WaitlistDeps, logger: Logger, intervalMs: number): () => Promise<void> {
  const scan = newlyFreeSlotScan(deps);
  return startPeriodicJob({
    name: 'waitlist scan',
    intervalMs,
    logger,
    run: async () => {
      const offered = await scan();
      if (offered > 0) logger.info({ offered }, 'newly free slots offered to the waiting list');
    },
  });
}
