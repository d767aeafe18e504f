import { DateTime } from 'luxon';
import { type LocalDay, daysBetween, localDay, nextDate, wallToInstant } from '../../src/domain/local-day.js';
import {
  type Day,
  type Interval,
  type PractitionerSchedule,
  type Slot,
  type SlotQuery,
  merge,
  subtract,
} from '../../src/domain/slots.js';

const MINUTE = 60_000;

/**
 * The slot engine as it was before it worked on ranges of starts (its look-up shortcuts left out):
 * it walks every grid point of every day for every practitioner, checks each against the working
 * windows and busy times, and merges the practitioners' starts for 'any' with a list of candidate
 * ids per start. Kept, in test code only, as the reference the engine must agree with answer for
 * answer, who takes each slot included.
 */
export function gridWalkComputeSlots(query: SlotQuery): Day[] {
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
  const openDays = [...dates, nextDate(to)].filter((date) => !query.isClosed(date)).map((d) => localDay(d, zone));
  const days = dates.map((date) => localDay(date, zone));

  const inIdOrder = [...query.practitioners].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const perPractitioner = inIdOrder.map((practitioner) => {
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

function pickFairly(
  practitionerIds: readonly string[],
  start: number,
  granularityMinutes: number,
  load: ReadonlyMap<string, number>,
): string {
  if (practitionerIds.length === 1) return practitionerIds[0]!;
  const inIdOrder = [...practitionerIds].sort();
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

function blockedMinutes(busy: readonly Interval[], from: number, until: number): number {
  let total = 0;
  for (const interval of busy) {
    if (interval.until <= from || interval.from >= until) continue;
    total += Math.min(interval.until, until) - Math.max(interval.from, from);
  }
  return total / MINUTE;
}

/** Every instant of `day` whose local wall-clock minute is a multiple of the granularity, ascending. */
function gridInstants(day: LocalDay, granularityMinutes: number): number[] {
  const step = granularityMinutes * MINUTE;
  const out: number[] = [];
  for (const segment of day.segments) {
    const offset = segment.offsetMinutes * MINUTE;
    const firstWall = segment.from + offset - day.wallBase;
    const alignedWall = Math.ceil(firstWall / step) * step;
    for (let t = day.wallBase + alignedWall - offset; t < segment.until; t += step) out.push(t);
  }
  return out;
}
