import type { WaitlistDeps } from './waitlist-ports.js';

/** Entries whose range is over, and pending ones never confirmed in time, leave the list as expired. */
export function expireWaitlistEntries(deps: Pick<WaitlistDeps, 'waitlist' | 'now'>): Promise<number> {
  const now = deps.now();
  return deps.waitlist.inTransaction((tx) => tx.expireEnded(now));
}
