import { AppError, type CommandReply, createEvent } from '@otk/contracts';
import { isOverdue } from '../booking-rules.js';
import { hashToken, newToken } from '../token.js';
import { toEntrySnapshot } from './waitlist.js';
import type { StoredWaitlistToken, WaitlistDeps, WaitlistTokenPurpose } from './waitlist-ports.js';

/** The entry behind a valid link token of this purpose; any other token is TOKEN_INVALID, saying nothing more. */
export async function tokenFor(
  deps: Pick<WaitlistDeps, 'waitlist'>,
  token: string,
  purpose: WaitlistTokenPurpose,
  now: Date,
): Promise<StoredWaitlistToken> {
  const found = await deps.waitlist.findToken(hashToken(token));
  if (!found || found.purpose !== purpose) throw new AppError('TOKEN_INVALID', 'this link is not valid');
  if (purpose !== 'confirm' && isOverdue(found.expiresAt, now)) {
    throw new AppError('TOKEN_INVALID', 'this link is no longer valid');
  }
  return found;
}

/**
 * Stage 2 of the double opt-in: the confirm link puts the pending entry on the list and sends the
 * link to leave it. A second click answers "already confirmed"; a click after the confirmation
 * window HOLD_EXPIRED, and the entry lapses.
 */
export async function confirmWaitlistEntry(
  deps: WaitlistDeps,
  token: string,
): Promise<CommandReply<'waitlist.confirm'>> {
  const now = deps.now();
  const { entryId } = await tokenFor(deps, token, 'confirm', now);
  const outcome = await deps.waitlist.inTransaction(async (tx) => {
    const entry = await tx.lockEntry(entryId);
    if (!entry) throw new AppError('TOKEN_INVALID', 'this link is not valid');
    if (entry.status === 'waiting' || entry.status === 'booked') return 'already-confirmed';
    if (entry.status === 'expired') return 'expired';
    if (entry.status !== 'pending') {
      throw new AppError('ILLEGAL_TRANSITION', `a ${entry.status} place on the waiting list cannot be confirmed`, {
        status: entry.status,
      });
    }
    if (isOverdue(entry.confirmBy, now)) {
      await tx.setStatus(entry.id, 'expired', now);
      return 'expired';
    }
    await tx.setStatus(entry.id, 'waiting', now);
    const leaveToken = newToken();
    await tx.insertToken({
      hash: leaveToken.hash,
      entryId: entry.id,
      offerId: undefined,
      purpose: 'leave',
      expiresAt: entry.endsAt,
    });
    await tx.record(
      createEvent(
        'notice.waitlistConfirmed',
        { entry: toEntrySnapshot({ ...entry, status: 'waiting' }), leaveToken: leaveToken.value },
        now,
      ),
      entry.id,
    );
    return 'confirmed';
  });
  // Committed before it is thrown: the entry that lapsed here stays expired.
  if (outcome === 'expired') throw new AppError('HOLD_EXPIRED', 'the confirmation window has passed');
  return { entryId, status: 'waiting', alreadyConfirmed: outcome === 'already-confirmed' };
}

/** The patient leaves the list by link; a second click, or a place that ended otherwise, says how it ended. */
export async function leaveWaitlist(deps: WaitlistDeps, token: string): Promise<CommandReply<'waitlist.leave'>> {
  const now = deps.now();
  const { entryId } = await tokenFor(deps, token, 'leave', now);
  return deps.waitlist.inTransaction(async (tx) => {
    const entry = await tx.lockEntry(entryId);
    if (!entry) throw new AppError('TOKEN_INVALID', 'this link is not valid');
    if (entry.status === 'pending' || entry.status === 'waiting') {
      await tx.setStatus(entry.id, 'left', now);
      return { entryId, status: 'left' as const };
    }
    return { entryId, status: entry.status };
  });
}
