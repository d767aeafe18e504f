/** Calendar arithmetic on local dates written yyyy-MM-dd; no time zones involved. */

export interface Month {
  year: number;
  /** 1 to 12. */
  month: number;
}

const pad = (n: number) => String(n).padStart(2, '0');

export function isoDate(year: number, month: number, day: number): string {
  return `${year}-${pad(month)}-${pad(day)}`;
}

export function monthOf(date: string): Month {
  const [year, month] = date.split('-').map(Number);
  return { year: year ?? 1970, month: month ?? 1 };
}

export function addMonths({ year, month }: Month, count: number): Month {
  const index = year * 12 + (month - 1) + count;
  return { year: Math.floor(index / 12), month: (index % 12) + 1 };
}

export function compareMonths(a: Month, b: Month): number {
  return a.year * 12 + a.month - (b.year * 12 + b.month);
}

export function daysInMonth({ year, month }: Month): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** The month's first and last date. */
export function monthRange(m: Month): { from: string; to: string } {
  return { from: isoDate(m.year, m.month, 1), to: isoDate(m.year, m.month, daysInMonth(m)) };
}

/** Weeks from Monday to Sunday; days outside the month are null. */
export function monthGrid(m: Month): (string | null)[][] {
  // getUTCDay: 0 = Sunday; shift so that Monday is column 0.
  const lead = (new Date(Date.UTC(m.year, m.month - 1, 1)).getUTCDay() + 6) % 7;
  const cells: (string | null)[] = Array.from({ length: lead }, () => null);
  for (let day = 1; day <= daysInMonth(m); day += 1) cells.push(isoDate(m.year, m.month, day));
  while (cells.length % 7 !== 0) cells.push(null);
  const weeks: (string | null)[][] = [];
  for (let i = 0; i < cells.length; i += 7) weeks.push(cells.slice(i, i + 7));
  return weeks;
}

/** Today's date in the given IANA time zone, e.g. the practice's. */
export function todayIn(timeZone: string, now: Date = new Date()): string {
  // From the parts, not from a locale's pattern: en-CA gives yyyy-MM-dd in one ICU version and
  // MM/dd/yyyy in another (WebKitGTK with Debian's ICU 72), which made the calendar's dates invalid.
  const parts = new Intl.DateTimeFormat('en', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).formatToParts(now);
  const part = (type: 'year' | 'month' | 'day') => parts.find((p) => p.type === type)!.value;
  return `${part('year')}-${part('month')}-${part('day')}`;
}

/** A date at noon UTC, so formatting it in any zone shows the same calendar day. */
export function dateAtNoon(date: string): Date {
  return new Date(`${date}T12:00:00Z`);
}

/** The offset of a zone from UTC at an instant, in milliseconds (Zurich in summer: +2 h). */
function offsetIn(timeZone: string, at: number): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(new Date(at));
  const part = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value);
  const wall = Date.UTC(part('year'), part('month') - 1, part('day'), part('hour'), part('minute'), part('second'));
  return wall - Math.floor(at / 1000) * 1000;
}

/** The instant a yyyy-mm-dd date begins in an IANA zone (the practice's, not the browser's). */
export function midnightIn(date: string, timeZone: string): Date {
  const wall = Date.parse(`${date}T00:00:00Z`);
  // The offset at the guess is right unless a change of offset lies between; a second look settles it.
  const first = wall - offsetIn(timeZone, wall);
  return new Date(wall - offsetIn(timeZone, first));
}

/** The date `days` days after a date yyyy-MM-dd (before it when negative). */
export function addDays(date: string, days: number): string {
  const day = new Date(`${date}T12:00:00Z`);
  day.setUTCDate(day.getUTCDate() + days);
  return day.toISOString().slice(0, 10);
}
