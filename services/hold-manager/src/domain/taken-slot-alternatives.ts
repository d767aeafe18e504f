import { AppError } from '@otk/contracts';
import type { Alternative, FindAlternatives, HoldManagerDeps } from './ports.js';

type AlternativesQuery = Parameters<FindAlternatives>[0];

/**
 * The refusal of a taken slot, with the next free slots of the same type and practitioner as
 * `details.alternatives`. They are a courtesy: when availability cannot name them, the refusal
 * goes out without.
 */
export async function takenWithAlternatives(
  deps: Pick<HoldManagerDeps, 'findAlternatives'>,
  query: AlternativesQuery,
): Promise<AppError> {
  const alternatives = await deps.findAlternatives(query).catch((): Alternative[] => []);
  return new AppError('SLOT_TAKEN', 'this time is no longer free', { alternatives });
}

/**
 * Alternatives computed once per taken slot and shared by every patient refused for it within
 * `ttlMs`: when hundreds want one slot at once, one asks availability and the others wait for
 * that answer, instead of hundreds of slot listings. A failed look-up is not kept.
 */
export function shareAlternativesPerSlot(
  find: FindAlternatives,
  options: { ttlMs: number; now?: () => number; maxSlots?: number },
): FindAlternatives {
  const now = options.now ?? Date.now;
  const maxSlots = options.maxSlots ?? 1000;
  const shared = new Map<string, { until: number; alternatives: Promise<Alternative[]> }>();
  return (query) => {
    const key = `${query.appointmentTypeId}|${query.practitionerId}|${query.after.toISOString()}`;
    const at = now();
    const hit = shared.get(key);
    if (hit && hit.until > at) return hit.alternatives;
    if (shared.size >= maxSlots) {
      for (const [k, entry] of shared) if (entry.until <= at) shared.delete(k);
      if (shared.size >= maxSlots) shared.clear();
    }
    const alternatives = find(query);
    shared.set(key, { until: at + options.ttlMs, alternatives });
    alternatives.catch(() => {
      if (shared.get(key)?.alternatives === alternatives) shared.delete(key);
    });
    return alternatives;
  };
}
