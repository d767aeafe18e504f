import type { ListSlotsReply } from '@otk/contracts';

export type Slot = ListSlotsReply['days'][number]['slots'][number];

/** A day's slots per practitioner, the one with the earliest slot first, each in time order. */
export function byPractitioner(slots: readonly Slot[]): { practitionerId: string; slots: Slot[] }[] {
  const groups = new Map<string, Slot[]>();
  for (const slot of [...slots].sort((a, b) => Date.parse(a.start) - Date.parse(b.start))) {
    const group = groups.get(slot.practitionerId) ?? [];
    group.push(slot);
    groups.set(slot.practitionerId, group);
  }
  return [...groups].map(([practitionerId, group]) => ({ practitionerId, slots: group }));
}
