import { randomUUID } from 'node:crypto';
import { AppError, createEvent } from '@otk/contracts';
import type { Slot } from '../booking.js';
import { offeredSlot } from '../offered-slot.js';
import { newToken } from '../token.js';
import {
  type FreedTime,
  type WaitlistEntry,
  candidateOf,
  chooseOffers,
  toEntrySnapshot,
  toOfferView,
  waitsFor,
} from './waitlist.js';
import type { NewOffer, WaitlistDeps } from './waitlist-ports.js';

/** How many waiting entries one freed time looks at, oldest first. */
const ENTRIES_LOOKED_AT = 200;

/**
 * Refusals that mean "this entry's slot is not free at the freed time" (another type that does
 * not fit, a practitioner who does not offer it, the time too soon): that entry is not offered it.
 */
const notForThisEntry = new Set([
  'SLOT_TAKEN',
  'SLOT_NOT_OFFERED',
  'APPOINTMENT_TYPE_UNKNOWN',
  'PRACTITIONER_UNKNOWN',
  'PRACTITIONER_NOT_OFFERING_TYPE',
  'VALIDATION_FAILED',
]);

/**
 * A booking released its time (ADR 26): the waiting entries that want that time are offered it
 * in order of joining, up to the practice's number at once:
 * 1. find the waiting entries for this practitioner (or any) whose range holds the freed day;
 * 2. for each kind of slot they want, ask whether it is offered then (availability) and free
 *    (hold-manager's own bookings) — one question per kind;
 * 3. record an offer per chosen entry, with its link's notice for notification and the public
 *    `waitlist.offered`, in one transaction. An entry offered this time before is not offered again.
 * Taking an offer goes through the normal hold path; the first to do so gets the slot.
 */
export async function offerFreedSlot(deps: WaitlistDeps, freed: FreedTime): Promise<number> {
  const now = deps.now();
  if (freed.start.getTime() <= now.getTime()) return 0;
  const entries = (await deps.waitlist.waitingFor(freed.practitionerId, now, ENTRIES_LOOKED_AT)).filter((entry) =>
    waitsFor(entry, freed, now),
  );
  if (entries.length === 0) return 0;
  const slotFor = await freeSlotsFor(deps, entries, freed, now);
  const chosen = chooseOffers(entries, slotFor, deps.limits.offersPerSlot);
  if (chosen.length === 0) return 0;
  return deps.waitlist.inTransaction(async (tx) => {
    let offered = 0;
    for (const { entry, slot } of chosen) {
      const offer = offerOf(entry, slot);
      if ((await tx.insertOffer(offer, now)) === 'exists') continue;
      const offerToken = newToken();
      const leaveToken = newToken();
      await tx.insertToken({
        hash: offerToken.hash,
        entryId: entry.id,
        offerId: offer.id,
        purpose: 'offer',
        expiresAt: slot.start,
      });
      await tx.insertToken({
        hash: leaveToken.hash,
        entryId: entry.id,
        offerId: undefined,
        purpose: 'leave',
        expiresAt: entry.endsAt,
      });
      const data = {
        entry: toEntrySnapshot(entry),
        offer: toOfferView({ ...offer, status: 'open', bookingId: undefined }),
      };
      await tx.record(createEvent('waitlist.offered', data, now), entry.id);
      await tx.record(
        createEvent(
          'notice.waitlistOffered',
          { ...data, offerToken: offerToken.value, leaveToken: leaveToken.value },
          now,
        ),
        entry.id,
      );
      offered++;
    }
    return offered;
  });
}

/** The slot each entry would get at the freed time, if it is offered and free; asked once per kind of slot. */
async function freeSlotsFor(
  deps: WaitlistDeps,
  entries: WaitlistEntry[],
  freed: FreedTime,
  now: Date,
): Promise<Map<WaitlistEntry, Slot | undefined>> {
  const byKind = new Map<string, Promise<Slot | undefined>>();
  const slotFor = new Map<WaitlistEntry, Slot | undefined>();
  for (const entry of entries) {
    const candidate = candidateOf(entry, freed);
    const kind = JSON.stringify(candidate);
    let slot = byKind.get(kind);
    if (!slot) {
      slot = freeSlot(deps, candidate, now);
      byKind.set(kind, slot);
    }
    slotFor.set(entry, await slot);
  }
  return slotFor;
}

async function freeSlot(
  deps: WaitlistDeps,
  candidate: ReturnType<typeof candidateOf>,
  now: Date,
): Promise<Slot | undefined> {
  try {
    const slot = await offeredSlot(deps, candidate);
    return (await deps.bookings.isTaken(slot, now)) ? undefined : slot;
  } catch (error) {
    if (error instanceof AppError && notForThisEntry.has(error.code)) return undefined;
    throw error;
  }
}

function offerOf(entry: WaitlistEntry, slot: Slot): NewOffer {
  return {
    id: randomUUID(),
    entryId: entry.id,
    appointmentTypeId: slot.appointmentTypeId,
    appointmentTypeName: slot.appointmentTypeName,
    practitionerId: slot.practitionerId,
    practitionerName: slot.practitionerName,
    timeZone: slot.timeZone,
    start: slot.start,
    end: slot.end,
  };
}
