import { type LocalDay, daysBetween, localDay, midnightAfter, nextDate, wallToInstant } from './local-day.js';

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
 *
 * The rules are applied to ranges of starts rather than to each grid point: per practitioner, the
 * instants at which an appointment may start (startRanges) are found once from the merged working
 * windows and busy times, and only the grid points inside them are listed.
 */
export function computeSlots(query: SlotQuery): Day[] {
  const plan = planOf(query);
  // In id order, so that the candidates for each start are too (fairTurn).
  const inIdOrder = [...query.practitioners].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const perPractitioner = inIdOrder.map((practitioner) => freeStarts(practitioner, plan));
  const only = perPractitioner.length === 1 ? perPractitioner[0]! : undefined;
  const merger = only ? undefined : new StartMerger(perPractitioner, plan);
  return plan.days.map((day, d) => ({
    date: day.date,
    slots: only ? slotsOf(only, d, plan.duration) : merger!.slotsOfDay(d, day),
  }));
}

/** What every practitioner's starts are computed from: the days, the limits in time, the type's lengths. */
interface Plan {
  zone: string;
  granularityMinutes: number;
  /** The requested local days. */
  days: LocalDay[];
  /** The requested days and the day after (for a slot that runs past midnight), holidays left out. */
  openDays: LocalDay[];
  /** Now plus minimum notice: no slot starts before. */
  earliest: number;
  /** The end of the last bookable local day: every slot starts before. */
  horizonEnd: number;
  duration: number;
  before: number;
  after: number;
}

function planOf(query: SlotQuery): Plan {
  const { rules, type, from, to, now } = query;
  const zone = rules.timeZone;
  const dates: string[] = [];
  for (let date = from, n = daysBetween(from, to); n >= 0; date = nextDate(date), n--) dates.push(date);
  return {
    zone,
    granularityMinutes: rules.granularityMinutes,
    days: dates.map((date) => localDay(date, zone)),
    // Looked up once for every practitioner.
    openDays: [...dates, nextDate(to)].filter((date) => !query.isClosed(date)).map((d) => localDay(d, zone)),
    earliest: now + rules.minimumNoticeMinutes * MINUTE,
    horizonEnd: midnightAfter(now, rules.bookingHorizonDays + 1, zone),
    duration: type.durationMinutes * MINUTE,
    before: type.bufferBeforeMinutes * MINUTE,
    after: type.bufferAfterMinutes * MINUTE,
  };
}

/** One practitioner's free starts over the plan's days, ascending: day d's from firstOfDay[d] to firstOfDay[d + 1]. */
interface FreeStarts {
  id: string;
  /** Merged: what the day's blocked minutes are counted from (fairTurn). */
  busy: Interval[];
  starts: number[];
  firstOfDay: Int32Array;
}

function freeStarts(practitioner: PractitionerSchedule, plan: Plan): FreeStarts {
  // Windows where an appointment may lie: working time of the open days, minus absences.
  const working: Interval[] = [];
  for (const day of plan.openDays) {
    for (const h of practitioner.weeklyHours[day.weekday] ?? []) {
      const start = wallToInstant(day, h.start, plan.zone);
      const end = wallToInstant(day, h.end, plan.zone);
      if (end > start) working.push({ from: start, until: end });
    }
  }
  const windows = subtract(merge(working), merge(practitioner.absences));
  const busy = merge(practitioner.busy);
  const ranges = startRanges(windows, busy, plan);
  const step = plan.granularityMinutes * MINUTE;
  const starts: number[] = [];
  const firstOfDay = new Int32Array(plan.days.length + 1);
  let r = 0;
  plan.days.forEach((day, d) => {
    firstOfDay[d] = starts.length;
    const lower = Math.max(day.start, plan.earliest);
    const upper = Math.min(day.end, plan.horizonEnd);
    while (r < ranges.length && ranges[r + 1]! < lower) r += 2;
    for (let k = r; k < ranges.length && ranges[k]! < upper; k += 2) {
      const last = ranges[k + 1]!;
      // The grid points of the range, segment by segment (a day with a DST change has two).
      for (const segment of day.segments) {
        const first = Math.max(ranges[k]!, lower, segment.from);
        const until = Math.min(upper, segment.until);
        const midnight = day.wallBase - segment.offsetMinutes * MINUTE;
        for (let t = midnight + Math.ceil((first - midnight) / step) * step; t <= last && t < until; t += step) {
          starts.push(t);
        }
      }
    }
  });
  firstOfDay[plan.days.length] = starts.length;
  return { id: practitioner.id, busy, starts, firstOfDay };
}

/**
 * The instants at which an appointment may start, as closed ranges [from, to] in pairs, ascending:
 * it must fit a window (start in [window.from, window.until − duration]) and its occupied time must
 * miss every busy time (start not in the open range (busy.from − duration − after, busy.until +
 * before): at either end the occupied time only touches the busy time).
 */
function startRanges(windows: readonly Interval[], busy: readonly Interval[], plan: Plan): number[] {
  const reach = plan.duration + plan.after;
  const ranges: number[] = [];
  let b = 0;
  for (const window of windows) {
    let from = window.from;
    const to = window.until - plan.duration;
    if (to < from) continue;
    // Merged and sorted: the busy times that end too early for this window end too early for the next.
    while (b < busy.length && busy[b]!.until + plan.before <= from) b++;
    for (let k = b; k < busy.length && busy[k]!.from - reach < to; k++) {
      const blockedFrom = busy[k]!.from - reach;
      if (from <= blockedFrom) ranges.push(from, blockedFrom);
      from = Math.max(from, busy[k]!.until + plan.before);
    }
    if (from <= to) ranges.push(from, to);
  }
  return ranges;
}

function slotsOf(practitioner: FreeStarts, d: number, duration: number): Slot[] {
  const slots: Slot[] = [];
  for (let i = practitioner.firstOfDay[d]!; i < practitioner.firstOfDay[d + 1]!; i++) {
    const start = practitioner.starts[i]!;
    slots.push({ start, end: start + duration, practitionerId: practitioner.id });
  }
  return slots;
}

/**
 * The starts of several practitioners (each list ascending, the practitioners in id order) as one
 * ascending list per day, each start once, taken by whom fairTurn picks among those free then.
 */
class StartMerger {
  private readonly heads: Int32Array;
  private readonly ends: Int32Array;
  private readonly loads: Float64Array;
  private readonly candidates: Int32Array;
  private readonly candidateLoads: Float64Array;

  constructor(
    private readonly practitioners: readonly FreeStarts[],
    private readonly plan: Plan,
  ) {
    const n = practitioners.length;
    this.heads = new Int32Array(n);
    this.ends = new Int32Array(n);
    this.loads = new Float64Array(n);
    this.candidates = new Int32Array(n);
    this.candidateLoads = new Float64Array(n);
  }

  slotsOfDay(d: number, day: LocalDay): Slot[] {
    const { practitioners, heads, ends, loads, candidates, candidateLoads } = this;
    const n = practitioners.length;
    for (let i = 0; i < n; i++) {
      heads[i] = practitioners[i]!.firstOfDay[d]!;
      ends[i] = practitioners[i]!.firstOfDay[d + 1]!;
      loads[i] = blockedMinutes(practitioners[i]!.busy, day.start, day.end);
    }
    const slots: Slot[] = [];
    for (;;) {
      let start = Infinity;
      for (let i = 0; i < n; i++) {
        if (heads[i]! < ends[i]!) start = Math.min(start, practitioners[i]!.starts[heads[i]!]!);
      }
      if (start === Infinity) return slots;
      let count = 0;
      for (let i = 0; i < n; i++) {
        if (heads[i]! < ends[i]! && practitioners[i]!.starts[heads[i]!] === start) {
          candidates[count] = i;
          candidateLoads[count++] = loads[i]!;
          heads[i] = heads[i]! + 1;
        }
      }
      const taker = practitioners[candidates[fairTurn(candidateLoads, count, start, this.plan.granularityMinutes)]!]!;
      slots.push({ start, end: start + this.plan.duration, practitionerId: taker.id });
    }
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
  const inIdOrder = [...practitionerIds].sort();
  const loads = inIdOrder.map((id) => load.get(id) ?? 0);
  return inIdOrder[fairTurn(loads, loads.length, start, granularityMinutes)]!;
}

/** pickFairly's rule on the first `count` candidates, in id order, by their blocked minutes: the index picked. */
function fairTurn(loads: ArrayLike<number>, count: number, start: number, granularityMinutes: number): number {
  if (count === 1) return 0;
  let least = Infinity;
  let tied = 0;
  for (let i = 0; i < count; i++) {
    const minutes = loads[i]!;
    if (minutes < least) {
      least = minutes;
      tied = 1;
    } else if (minutes === least) tied++;
  }
  let turn = Math.floor(start / (granularityMinutes * MINUTE)) % tied;
  for (let i = 0; i < count; i++) {
    if (loads[i] === least && turn-- === 0) return i;
  }
  throw new Error('unreachable: one of the tied practitioners is picked');
}

/** Sorted, non-overlapping, non-touching intervals covering the same instants. */
export function merge(intervals: readonly Interval[]): Interval[] {
  // Busy times come sorted already (BusyIndex.busyFor).
  const sorted = isAscending(intervals) ? intervals : [...intervals].sort((a, b) => a.from - b.from);
  const out: Interval[] = [];
  for (const interval of sorted) {
    if (interval.until <= interval.from) continue;
    const last = out[out.length - 1];
    if (last && interval.from <= last.until) last.until = Math.max(last.until, interval.until);
    else out.push({ from: interval.from, until: interval.until });
  }
  return out;
}

function isAscending(intervals: readonly Interval[]): boolean {
  for (let i = 1; i < intervals.length; i++) if (intervals[i - 1]!.from > intervals[i]!.from) return false;
  return true;
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
