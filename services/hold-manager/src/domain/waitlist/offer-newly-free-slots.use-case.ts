import { offerFreedSlot } from './offer-freed-slot.use-case.js';
import { newlyFree, slotKey, waitKindsOf } from './waitlist.js';
import type { WaitlistDeps } from './waitlist-ports.js';

/** How many waiting entries one scan looks at, oldest first. */
const ENTRIES_SCANNED = 1000;

/**
 * Time freed by changes no booking event tells of — a staff-made entry of the practice calendar
 * removed, working hours added, an absence lifted (ADR 26). Each scan asks availability for the
 * free slots of every kind of wait and offers each slot that was not free at the previous scan, as
 * a released booking's time is offered (offerFreedSlot: in order of joining, never the same start
 * twice to one entry). The first look at a kind of wait only notes what is free: a slot free all
 * along is on the booking site, not freed. Returns the scan to run periodically, and what it offered.
 */
export function newlyFreeSlotScan(deps: WaitlistDeps): () => Promise<number> {
  let previous = new Map<string, Set<string>>();
  return async () => {
    const now = deps.now();
    const kinds = waitKindsOf(await deps.waitlist.waiting(now, ENTRIES_SCANNED), now);
    const current = new Map<string, Set<string>>();
    let offered = 0;
    for (const kind of kinds) {
      const { timeZone, slots } = await deps.listFreeSlots(kind);
      current.set(kind.key, new Set(slots.map(slotKey)));
      const before = previous.get(kind.key);
      if (!before) continue;
      for (const slot of newlyFree(slots, before)) {
        offered += await offerFreedSlot(deps, {
          practitionerId: slot.practitionerId,
          start: new Date(slot.start),
          timeZone,
        });
      }
    }
    previous = current;
    return offered;
  };
}
