import type { AppError } from '@otk/contracts';

/** What makes two hold requests ask for the same slot. */
export interface SlotAsked {
  appointmentTypeId: string;
  practitionerId: string;
  start: string;
  visitKind?: string | undefined;
}

/**
 * hold-manager's SLOT_TAKEN refusals of the last moment, by slot (ADR 25). When hundreds of
 * patients want one slot at once, a request for a slot refused a moment ago is answered with that
 * same refusal (and its alternatives) without asking hold-manager again. Only requests without an
 * Idempotency-Key are answered so: a retried request whose first attempt got the hold must get its
 * hold back, and only hold-manager knows. A slot freed meanwhile is seen as taken for at most
 * `ttlMs` — never the other way round: whether a slot can be held, hold-manager alone decides.
 */
export class RecentlyTakenSlots {
  private readonly refusals = new Map<string, { until: number; refusal: AppError }>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
    private readonly maxSlots = 1000,
  ) {}

  /** The refusal hold-manager gave for this slot within `ttlMs`, if any. */
  refusalFor(slot: SlotAsked): AppError | undefined {
    const key = keyOf(slot);
    const remembered = this.refusals.get(key);
    if (!remembered) return undefined;
    if (remembered.until > this.now()) return remembered.refusal;
    this.refusals.delete(key);
    return undefined;
  }

  remember(slot: SlotAsked, refusal: AppError): void {
    if (this.ttlMs <= 0) return;
    const now = this.now();
    if (this.refusals.size >= this.maxSlots) {
      for (const [key, entry] of this.refusals) if (entry.until <= now) this.refusals.delete(key);
      if (this.refusals.size >= this.maxSlots) this.refusals.clear();
    }
    this.refusals.set(keyOf(slot), { until: now + this.ttlMs, refusal });
  }
}

/** The same instant written with another offset is the same slot. */
function keyOf(slot: SlotAsked): string {
  return [slot.appointmentTypeId, slot.practitionerId, Date.parse(slot.start), slot.visitKind ?? ''].join('|');
}
