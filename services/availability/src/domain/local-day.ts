import { DateTime, IANAZone } from 'luxon';

const MINUTE = 60_000;

/**
 * One local calendar day of a time zone as a span of instants. A day with a DST change has two
 * segments of constant UTC offset (23 or 25 hours in all); the others have one.
 */
export interface LocalDay {
  date: string;
  /** ISO weekday: 1 = Monday … 7 = Sunday. */
  weekday: number;
  /** The instant of local midnight, and of the next one. */
  start: number;
  end: number;
  segments: { from: number; until: number; offsetMinutes: number }[];
  /** The local midnight read as if it were UTC: wall-clock minute m is at `wallBase + m·60 000` in "local ms". */
  wallBase: number;
}

const cache = new Map<string, LocalDay>();
const CACHE_LIMIT = 20_000;

/** The local day `date` (yyyy-MM-dd) in `zone`. Days never change, so they are cached. */
export function localDay(date: string, zone: string): LocalDay {
  const key = `${zone} ${date}`;
  let day = cache.get(key);
  if (!day) {
    day = computeLocalDay(date, zone);
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(key, day);
  }
  return day;
}

function computeLocalDay(date: string, zone: string): LocalDay {
  const midnight = DateTime.fromISO(date, { zone }).startOf('day');
  if (!midnight.isValid) throw new Error(`invalid date ${date} in ${zone}`);
  const start = midnight.toMillis();
  const end = midnight.plus({ days: 1 }).startOf('day').toMillis();
  const iana = IANAZone.create(zone);
  const first = iana.offset(start);
  const last = iana.offset(end - 1);
  let segments: LocalDay['segments'];
  if (first === last) {
    segments = [{ from: start, until: end, offsetMinutes: first }];
  } else {
    // The one transition of the day, to the minute (transitions fall on whole minutes).
    let lo = start / MINUTE;
    let hi = (end - 1) / MINUTE;
    lo = Math.floor(lo);
    hi = Math.ceil(hi);
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (iana.offset(mid * MINUTE) === first) lo = mid;
      else hi = mid;
    }
    const transition = hi * MINUTE;
    segments = [
      { from: start, until: transition, offsetMinutes: first },
      { from: transition, until: end, offsetMinutes: last },
    ];
  }
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return { date, weekday: midnight.weekday, start, end, segments, wallBase: utcMidnight(y, m, d) };
}

/** Midnight UTC of a calendar date; unlike `Date.UTC`, years 0–99 stay themselves (not 19xx). */
function utcMidnight(year: number, month: number, day: number): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  return date.getTime();
}

/**
 * The instant of wall-clock minute `minuteOfDay` (0…1440) of `day`. A time that occurs twice
 * (the autumn change) means its later occurrence, whatever the date today (luxon's own choice
 * depends on the offset in force now); a time that does not exist (the spring change) moves
 * forward by the gap, as luxon does. 1440 is the next midnight.
 */
export function wallToInstant(day: LocalDay, minuteOfDay: number, zone: string): number {
  if (minuteOfDay >= 1440) return day.end;
  const wall = day.wallBase + minuteOfDay * MINUTE;
  for (let i = day.segments.length - 1; i >= 0; i--) {
    const segment = day.segments[i]!;
    const t = wall - segment.offsetMinutes * MINUTE;
    if (t >= segment.from && t < segment.until) return t;
  }
  // In the spring gap (rare): luxon reads it with the smaller offset, whatever the date today.
  const hh = String(Math.floor(minuteOfDay / 60)).padStart(2, '0');
  const mm = String(minuteOfDay % 60).padStart(2, '0');
  return DateTime.fromISO(`${day.date}T${hh}:${mm}`, { zone }).toMillis();
}

const following = new Map<string, string>();

/** yyyy-MM-dd of the day after `date`; cached, as days are (every request names the same few dates). */
export function nextDate(date: string): string {
  let next = following.get(date);
  if (next === undefined) {
    const [y, m, d] = date.split('-').map(Number) as [number, number, number];
    next = new Date(utcMidnight(y, m, d + 1)).toISOString().slice(0, 10);
    if (following.size >= CACHE_LIMIT) following.clear();
    following.set(date, next);
  }
  return next;
}

/** Whole days from `from` to `to` (yyyy-MM-dd); negative when `to` lies before `from`. */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

const QUARTER_HOUR = 15 * MINUTE;
const byQuarterHour = new Map<string, string | number>();

/**
 * What an instant yields, computed once per quarter hour: UTC offsets (and so local midnights)
 * change only on whole quarter hours, so every instant of one quarter hour has the same local date
 * and offset. Every request asks this of `now`.
 */
function perQuarterHour<T extends string | number>(what: string, instant: number, zone: string, compute: () => T): T {
  const key = `${what} ${zone} ${Math.floor(instant / QUARTER_HOUR)}`;
  let value = byQuarterHour.get(key) as T | undefined;
  if (value === undefined) {
    value = compute();
    if (byQuarterHour.size >= CACHE_LIMIT) byQuarterHour.clear();
    byQuarterHour.set(key, value);
  }
  return value;
}

/** The local date of an instant. */
export function localDateOf(instant: number, zone: string): string {
  return perQuarterHour('date', instant, zone, () => DateTime.fromMillis(instant, { zone }).toISODate()!);
}

/** Local midnight `days` days after the local date of `instant`, as luxon moves there from that instant. */
export function midnightAfter(instant: number, days: number, zone: string): number {
  return perQuarterHour(`midnight+${days}`, instant, zone, () =>
    DateTime.fromMillis(instant, { zone }).startOf('day').plus({ days }).toMillis(),
  );
}
