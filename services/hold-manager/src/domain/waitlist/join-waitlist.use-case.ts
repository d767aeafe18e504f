import { createHash, randomUUID } from 'node:crypto';
import { type CommandReply, type CommandRequestParsed, createEvent } from '@otk/contracts';
import { contactKey, holdExpiresAt } from '../booking-rules.js';
import { newToken } from '../token.js';
import {
  type NewWaitlistEntry,
  assertBelowWaitlistLimits,
  toEntrySnapshot,
  waitingRange,
  wantedOf,
} from './waitlist.js';
import type { WaitlistDeps } from './waitlist-ports.js';

type JoinRequest = CommandRequestParsed<'waitlist.join'>;

/**
 * A patient joins the waiting list (stage 1 of the same double opt-in as a booking):
 * 1. check what they wait for against the catalogue, and the range of days against the calendar;
 * 2. count their places still on the list, per contact and per client address, under a lock;
 * 3. record the entry as pending, and the confirm link's notice for notification, in one transaction.
 * The entry waits only once confirmed through that link, within the practice's confirmation window.
 */
export async function joinWaitlist(deps: WaitlistDeps, request: JoinRequest): Promise<CommandReply<'waitlist.join'>> {
  const now = deps.now();
  const { timeZone, catalogue } = await deps.readCatalogue(request.visitKind);
  const names = wantedOf(catalogue, request);
  const range = waitingRange(request, now, timeZone);
  const settings = await deps.bookings.settings();
  const entry: NewWaitlistEntry = {
    id: randomUUID(),
    status: 'pending',
    appointmentTypeId: request.appointmentTypeId,
    appointmentTypeName: names.appointmentTypeName,
    practitionerId: request.practitionerId,
    practitionerName: names.practitionerName,
    visitKind: request.visitKind,
    ...range,
    timeZone,
    confirmBy: holdExpiresAt(now, settings),
    language: request.language,
    channel: request.channel,
    patient: request.patient,
    joinedAt: now,
    contactKey: contactKey(request.channel, request.patient),
    clientKey: request.clientAddress ? createHash('sha256').update(request.clientAddress).digest('hex') : undefined,
    privacyPolicyVersion: request.consent.privacyPolicyVersion,
  };
  await deps.waitlist.inTransaction(async (tx) => {
    await tx.lockLimits(entry.clientKey ? [entry.contactKey, entry.clientKey] : [entry.contactKey]);
    assertBelowWaitlistLimits(await tx.countOpen(entry, now), deps.limits);
    await tx.insertEntry(entry);
    const confirmToken = newToken();
    await tx.insertToken({
      hash: confirmToken.hash,
      entryId: entry.id,
      offerId: undefined,
      purpose: 'confirm',
      expiresAt: entry.confirmBy,
    });
    await tx.record(
      createEvent(
        'notice.waitlistJoined',
        { entry: toEntrySnapshot(entry), confirmToken: confirmToken.value, confirmBy: entry.confirmBy.toISOString() },
        now,
      ),
      entry.id,
    );
  });
  return { entryId: entry.id, status: 'pending', confirmBy: entry.confirmBy.toISOString() };
}
