import { AppError, type CommandReply, type CommandRequestParsed } from '@otk/contracts';
import type { WaitlistDeps } from './waitlist-ports.js';

/** The practice's waiting list (console), in order of joining. */
export function listWaitlistForStaff(
  deps: Pick<WaitlistDeps, 'waitlist'>,
  query: CommandRequestParsed<'waitlist.list'>,
): Promise<CommandReply<'waitlist.list'>> {
  return deps.waitlist.listForStaff(query);
}

/** Staff take a patient off the list; their open offers go with it. The gateway audits who and why. */
export async function removeFromWaitlist(
  deps: Pick<WaitlistDeps, 'waitlist' | 'now'>,
  request: CommandRequestParsed<'waitlist.remove'>,
): Promise<CommandReply<'waitlist.remove'>> {
  const now = deps.now();
  return deps.waitlist.inTransaction(async (tx) => {
    const entry = await tx.lockEntry(request.entryId);
    if (!entry) throw new AppError('NOT_FOUND', 'no waiting-list entry with this id');
    if (entry.status !== 'pending' && entry.status !== 'waiting') {
      throw new AppError('ILLEGAL_TRANSITION', `a ${entry.status} entry is no longer on the list`, {
        status: entry.status,
      });
    }
    await tx.setStatus(entry.id, 'removed', now);
    return { entryId: entry.id, status: 'removed' as const };
  });
}
