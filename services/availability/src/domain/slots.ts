import { DateTime } from 'luxon';
import { daysBetween, gridInstants, localDay, nextDate, wallToInstant } from './local-day.js';

const MINUTE = 60_000;

/** A span of instants (epoch ms), half-open: [from, until). */
export interface Interval {
  from: number;
  until: number;
}

/** Working hours per ISO weekday (1 = Monday): wall-clock minutes of the day, [start, end), end ≤ 1440. */
export type WeeklyHours = Partial<Record<number, readonly { start: number; end: number }[]>>;

export interface SlotRules {
  timeZone: string;
  granularityMinutes: number;
  minimumNoticeMinutes: number;
  bookingHorizonDays: number;
}

export interface SlotType {
  durationMinutes: number;
  bufferBeforeMinutes: number;
  bufferAfterMinutes: number;
}

export interface PractitionerSchedule {
  id: string;
  weeklyHours: WeeklyHours;
  /** Absences and closures of the practice: no appointment may overlap one. */
  absences: readonly Interval[];
  /** What blocks the practitioner or any of their linked resources (bookings, imported busy times). */
  busy: readonly Interval[];
}

export interface SlotQuery {
  rules: SlotRules;
  type: SlotType;
  /** Local dates, inclusive. */
  from: string;
  to: string;
  now: number;
  /** Local dates on which the practice is closed (public holidays). */
  isClosed: (date: string) => boolean;
  /** Several for "next available practitioner" (F4); each slot then names who would take it. */
  practitioners: readonly PractitionerSchedule[];
}

export interface Slot {
  start: number;
  end: number;
  practitionerId: string;
}

export interface Day {
  date: string;
  slots: Slot[];
}

/**
 * The slots a patient may book, per local day. A slot
 * - starts on the granularity grid of local wall-clock time (minutes since local midnight);
 * - starts no sooner than now + minimum notice, and before the end of the local day that lies
 *   `bookingHorizonDays` after today;
 * - lies, from start to end (its duration in real minutes), entirely inside the practitioner's
 *   working hours (the union of their intervals), outside absences and closures, not on a holiday;
 * - has its occupied time — the slot widened by the buffers before and after it — free of every
 *   busy time of the practitioner and of each resource linked to them. Buffers may reach outside
 *   working hours: they only keep other bookings away.
 * On days with a DST change, wall-clock times are read by the rule of wallToInstant; a
 * repeated hour offers its slots twice, as distinct instants, and a skipped hour offers none.
 *
 * With several practitioners each start is offered once, by one of those free then (pickFairly).
 */
export function computeSlots(query: SlotQuery): Day[] {
  const { rules, type, from, to, now } = query;
  const zone = rules.timeZone;
  const earliest = now + rules.minimumNoticeMinutes * MINUTE;
  const horizonEnd = DateTime.fromMillis(now, { zone })
    .startOf('day')
    .plus({ days: rules.bookingHorizonDays + 1 })
    .toMillis();
  const duration = type.durationMinutes * MINUTE;
  const before = type.bufferBeforeMinutes * MINUTE;
  const after = type.bufferAfterMinutes * MINUTE;

  const dates: string[] = [];
  for (let date = from, n = daysBetween(from, to); n >= 0; date = nextDate(date), n--) dates.push(date);
  // Looked up once for every practitioner; the day after, for a slot that runs past midnight.
  const openDays = [...dates, nextDate(to)].filter((date) => !query.isClosed(date)).map((d) => localDay(d, zone));
  const days = dates.map((date) => localDay(date, zone));

  // In id order, so that the candidates for each start are too (pickFairly).
  const inIdOrder = [...query.practitioners].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const perPractitioner = inIdOrder.map((practitioner) => {
    // Windows where an appointment may lie: working time of the range (and the day after, for a
    // slot that runs past midnight), minus absences.
    const working: Interval[] = [];
    for (const day of openDays) {
      for (const h of practitioner.weeklyHours[day.weekday] ?? []) {
        const start = wallToInstant(day, h.start, zone);
        const end = wallToInstant(day, h.end, zone);
        if (end > start) working.push({ from: start, until: end });
      }
    }
    const windows = subtract(merge(working), merge(practitioner.absences));
    const busy = merge(practitioner.busy);
    const byDate = new Map<string, number[]>();
    for (const day of days) {
      const starts: number[] = [];
      let w = 0;
      let b = 0;
      for (const start of gridInstants(day, rules.granularityMinutes)) {
        if (start < earliest) continue;
        if (start >= horizonEnd) break;
        const end = start + duration;
        while (w < windows.length && windows[w]!.until < end) w++;
        if (w === windows.length) break;
        if (windows[w]!.from > start) continue;
        const occupiedFrom = start - before;
        const occupiedUntil = end + after;
        while (b < busy.length && busy[b]!.until <= occupiedFrom) b++;
        // Busy intervals are merged and sorted, and occupiedFrom only grows: b is the only candidate.
        if (b < busy.length && busy[b]!.from < occupiedUntil) continue;
        starts.push(start);
      }
      byDate.set(day.date, starts);
    }
    return { practitioner, byDate, busy };
  });

  return dates.map((date) => {
    if (perPractitioner.length === 1) {
      const { practitioner, byDate } = perPractitioner[0]!;
      return {
        date,
        slots: byDate.get(date)!.map((start) => ({ start, end: start + duration, practitionerId: practitioner.id })),
      };
    }
    const day = localDay(date, zone);
    const load = new Map(perPractitioner.map((p) => [p.practitioner.id, blockedMinutes(p.busy, day.start, day.end)]));
    return { date, slots: mergeStarts(perPractitioner, date, duration, rules.granularityMinutes, load) };
  });
}

/**
 * The starts of several practitioners (each list ascending, the practitioners in id order) as one
 * ascending list, each start once, taken by whom pickFairly picks among those free then.
 */
function mergeStarts(
  perPractitioner: readonly { practitioner: PractitionerSchedule; byDate: Map<string, number[]> }[],
  date: string,
  duration: number,
  granularityMinutes: number,
  load: ReadonlyMap<string, number>,
): Slot[] {
  const lists = perPractitioner.map((p) => p.byDate.get(date)!);
  const heads = lists.map(() => 0);
  const candidates: string[] = [];
  const slots: Slot[] = [];
  for (;;) {
    let start = Infinity;
    for (let i = 0; i < lists.length; i++) {
      const head = lists[i]![heads[i]!];
      if (head !== undefined && head < start) start = head;
    }
    if (start === Infinity) return slots;
    candidates.length = 0;
    for (let i = 0; i < lists.length; i++) {
      if (lists[i]![heads[i]!] === start) {
        candidates.push(perPractitioner[i]!.practitioner.id);
        heads[i] = heads[i]! + 1;
      }
    }
    slots.push({
      start,
      end: start + duration,
      practitionerId: pickFairly(candidates, start, granularityMinutes, load),
    });
  }
}

/**
 * Who takes a slot that several practitioners could take (F4, ADR 0011): the one with the fewest
 * minutes already blocked that day; among equals, a rotation by the slot's position on the grid,
 * so that neighbouring slots go to different people and the same slot always to the same one.
 */
export function pickFairly(
  practitionerIds: readonly string[],
  start: number,
  granularityMinutes: number,
  load: ReadonlyMap<string, number>,
): string {
  if (practitionerIds.length === 1) return practitionerIds[0]!;
  // computeSlots lists candidates in id order already; sorting runs for every slot of 'any' otherwise.
  const inIdOrder = isSorted(practitionerIds) ? practitionerIds : [...practitionerIds].sort();
  let least = Infinity;
  let tied = 0;
  for (const id of inIdOrder) {
    const minutes = load.get(id) ?? 0;
    if (minutes < least) [least, tied] = [minutes, 1];
    else if (minutes === least) tied++;
  }
  let turn = Math.floor(start / (granularityMinutes * MINUTE)) % tied;
  for (const id of inIdOrder) {
    if ((load.get(id) ?? 0) === least && turn-- === 0) return id;
  }
  throw new Error('unreachable: one of the tied practitioners is picked');
}

function isSorted(ids: readonly string[]): boolean {
  for (let i = 1; i < ids.length; i++) if (ids[i - 1]! > ids[i]!) return false;
  return true;
}

/** Sorted, non-overlapping, non-touching intervals covering the same instants. */
export function merge(intervals: readonly Interval[]): Interval[] {
  const sorted = intervals.filter((i) => i.until > i.from).sort((a, b) => a.from - b.from);
  const out: Interval[] = [];
  for (const interval of sorted) {
    const last = out[out.length - 1];
    if (last && interval.from <= last.until) last.until = Math.max(last.until, interval.until);
    else out.push({ from: interval.from, until: interval.until });
  }
  return out;
}

/** `base` minus `holes`, both merged. */
export function subtract(base: readonly Interval[], holes: readonly Interval[]): Interval[] {
  const out: Interval[] = [];
  let h = 0;
  for (const interval of base) {
    let from = interval.from;
    while (h < holes.length && holes[h]!.until <= from) h++;
    for (let k = h; k < holes.length && holes[k]!.from < interval.until; k++) {
      if (holes[k]!.from > from) out.push({ from, until: holes[k]!.from });
      from = Math.max(from, holes[k]!.until);
    }
    if (from < interval.until) out.push({ from, until: interval.until });
  }
  return out;
}

function blockedMinutes(busy: readonly Interval[], from: number, until: number): number {
  let total = 0;
  // Merged and sorted: start at the first interval that ends after `from`.
  for (let i = firstEndingAfter(busy, from); i < busy.length && busy[i]!.from < until; i++) {
    total += Math.min(busy[i]!.until, until) - Math.max(busy[i]!.from, from);
  }
  return total / MINUTE;
}

function firstEndingAfter(sorted: readonly Interval[], instant: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle]!.until <= instant) low = middle + 1;
    else high = middle;
  }
  return low;
}
