import { expect } from 'chai';
import fc from 'fast-check';
import { DateTime } from 'luxon';
import {
  type Day,
  type Interval,
  type PractitionerSchedule,
  type SlotQuery,
  computeSlots,
  pickFairly,
} from './slots.js';

const zone = 'Europe/Zurich';
const MINUTE = 60_000;
const DAY_MINUTES = 1440;

/** The four DST changes of 2026 and 2027 in Europe/Zurich, and the days around them. */
const dstDates = ['2026-03-29', '2026-10-25', '2027-03-28', '2027-10-31'];

const at = (local: string) => DateTime.fromISO(local, { zone }).toMillis();
const allDay = {
  1: [{ start: 0, end: 1440 }],
  2: [{ start: 0, end: 1440 }],
  3: [{ start: 0, end: 1440 }],
  4: [{ start: 0, end: 1440 }],
  5: [{ start: 0, end: 1440 }],
  6: [{ start: 0, end: 1440 }],
  7: [{ start: 0, end: 1440 }],
};

function query(overrides: Partial<SlotQuery> & { practitioners?: PractitionerSchedule[] }): SlotQuery {
  return {
    rules: { timeZone: zone, granularityMinutes: 60, minimumNoticeMinutes: 0, bookingHorizonDays: 365 },
    type: { durationMinutes: 60, bufferBeforeMinutes: 0, bufferAfterMinutes: 0 },
    from: '2026-03-29',
    to: '2026-03-29',
    now: at('2026-01-01T00:00'),
    isClosed: () => false,
    practitioners: [{ id: 'p', weeklyHours: allDay, absences: [], busy: [] }],
    ...overrides,
  };
}

const localStarts = (days: Day[]) =>
  days.flatMap((d) => d.slots.map((s) => DateTime.fromMillis(s.start, { zone }).toFormat('HH:mmZZ')));

describe('slot engine', () => {
  it('when the clocks go forward (23-hour day), then the skipped hour has no slots and none is invented', () => {
    const starts = localStarts(computeSlots(query({ from: '2026-03-29', to: '2026-03-29' })));
    expect(starts).to.have.length(23); // 00:00, 01:00, then 03:00 … 23:00 (Monday is a working day too)
    expect(starts.slice(0, 3)).to.deep.equal(['00:00+01:00', '01:00+01:00', '03:00+02:00']);
  });

  it('when the clocks go back (25-hour day), then the repeated hour offers its slots twice, at distinct instants', () => {
    const days = computeSlots(query({ from: '2026-10-25', to: '2026-10-25' }));
    const starts = localStarts(days);
    expect(starts).to.have.length(25);
    expect(starts.slice(1, 5)).to.deep.equal(['01:00+02:00', '02:00+02:00', '02:00+01:00', '03:00+01:00']);
    expect(new Set(days[0]!.slots.map((s) => s.start)).size).to.equal(25);
  });

  it('when an appointment spans the change, then it lasts its real duration', () => {
    const days = computeSlots(
      query({
        type: { durationMinutes: 90, bufferBeforeMinutes: 0, bufferAfterMinutes: 0 },
        practitioners: [{ id: 'p', weeklyHours: { 7: [{ start: 60, end: 240 }] }, absences: [], busy: [] }],
      }),
    );
    // 01:00–04:00 local is 2 real hours on this day: only a start at 01:00+01:00 (ends 03:30+02:00) fits.
    expect(localStarts(days)).to.deep.equal(['01:00+01:00']);
  });

  it('when buffers touch a busy time, then the slot is not offered; when they only reach outside hours, it is', () => {
    const practitioner = (busy: Interval[]): PractitionerSchedule => ({
      id: 'p',
      weeklyHours: { 3: [{ start: 8 * 60, end: 12 * 60 }] },
      absences: [],
      busy,
    });
    const base = {
      from: '2026-06-03',
      to: '2026-06-03',
      rules: { timeZone: zone, granularityMinutes: 30, minimumNoticeMinutes: 0, bookingHorizonDays: 365 },
      type: { durationMinutes: 30, bufferBeforeMinutes: 10, bufferAfterMinutes: 10 },
    };
    expect(localStarts(computeSlots(query({ ...base, practitioners: [practitioner([])] })))[0]).to.equal('08:00+02:00');
    const busy = [{ from: at('2026-06-03T08:40'), until: at('2026-06-03T09:00') }];
    // 08:00 occupies 07:50–08:40 (touching the busy time is fine); 08:30 and 09:00 would overlap it.
    expect(localStarts(computeSlots(query({ ...base, practitioners: [practitioner(busy)] })))).to.deep.equal([
      '08:00+02:00',
      '09:30+02:00',
      '10:00+02:00',
      '10:30+02:00',
      '11:00+02:00',
      '11:30+02:00',
    ]);
  });

  it('when several practitioners are equally free, then neighbouring slots go to different people', () => {
    const load = new Map<string, number>();
    const picks = [0, 1, 2, 3].map((i) => pickFairly(['b', 'a'], at('2026-06-03T08:00') + i * 15 * MINUTE, 15, load));
    expect(new Set(picks)).to.deep.equal(new Set(['a', 'b']));
    expect(picks[0]).not.to.equal(picks[1]);
    expect(pickFairly(['a', 'b'], at('2026-06-03T08:00'), 15, new Map([['a', 30]]))).to.equal('b');
  });

  it('when compared with a minute-by-minute oracle on random schedules (DST dates included), then they agree on every case', function () {
    this.timeout(120_000);
    fc.assert(
      fc.property(slotQueryArbitrary(), (q) => {
        const expected = oracle(q);
        expect(acceptFairPicks(normalise(computeSlots(q)), expected)).to.deep.equal(expected);
      }),
      { numRuns: Number(process.env.SLOT_PROPERTY_RUNS ?? 10_000) },
    );
  });
});

/** Where the oracle allows several practitioners, the engine's pick stands if it is one of them. */
function acceptFairPicks(actual: ReturnType<typeof normalise>, expected: ReturnType<typeof normalise>) {
  return actual.map((day, i) => ({
    date: day.date,
    slots: day.slots.map((slot, j) => {
      const allowed = expected[i]?.slots[j];
      const choice = allowed?.practitionerId.startsWith('one of ') ? allowed.practitionerId.slice(7).split(',') : [];
      return allowed?.start === slot.start && choice.includes(slot.practitionerId)
        ? { ...slot, practitionerId: allowed.practitionerId }
        : slot;
    }),
  }));
}

/** What the oracle can compare: per day, each start with the practitioners free then. */
function normalise(days: Day[]): { date: string; slots: { start: number; end: number; practitionerId: string }[] }[] {
  return days.map((d) => ({ date: d.date, slots: d.slots.map((s) => ({ ...s })) }));
}

/**
 * The brute force: walks every minute of the days in question, reading each one's local time from
 * luxon's offset, and checks every minute of each candidate's appointment and occupied time one by
 * one. Where several practitioners are free it accepts the engine's pick when that one is free too
 * and has the least load, so it checks the rule rather than recomputing the rotation.
 */
function oracle(q: SlotQuery): ReturnType<typeof normalise> {
  const g = q.rules.granularityMinutes;
  const dur = q.type.durationMinutes;
  const startMs = DateTime.fromISO(q.from, { zone }).startOf('day').minus({ days: 1 }).toMillis();
  const endMs = DateTime.fromISO(q.to, { zone }).startOf('day').plus({ days: 2 }).toMillis();
  const minutes = (endMs - startMs) / MINUTE;
  const index = (t: number) => Math.round((t - startMs) / MINUTE);
  const earliest = q.now + q.rules.minimumNoticeMinutes * MINUTE;
  const horizonEnd = DateTime.fromMillis(q.now, { zone })
    .startOf('day')
    .plus({ days: q.rules.bookingHorizonDays + 1 })
    .toMillis();

  // Local date and minute of day of each minute, from luxon's offset (asked once per hour).
  const localDate: string[] = [];
  const minuteOfDay: number[] = [];
  const dateOfDayNumber = new Map<number, string>();
  const weekdayOf = new Map<string, number>();
  let offset = 0;
  for (let i = 0; i < minutes; i++) {
    const t = startMs + i * MINUTE;
    if (i % 60 === 0) offset = DateTime.fromMillis(t, { zone }).offset;
    const local = t + offset * MINUTE;
    const dayNumber = Math.floor(local / (DAY_MINUTES * MINUTE));
    let date = dateOfDayNumber.get(dayNumber);
    if (!date) {
      date = new Date(dayNumber * DAY_MINUTES * MINUTE).toISOString().slice(0, 10);
      dateOfDayNumber.set(dayNumber, date);
      weekdayOf.set(date, DateTime.fromISO(date, { zone }).weekday);
    }
    localDate.push(date);
    minuteOfDay.push((local - dayNumber * DAY_MINUTES * MINUTE) / MINUTE);
  }
  // The rule, independently: of the instants that read as this wall time, the later; for a wall
  // time that never occurs (spring gap), the wall time read with the smaller of the two offsets.
  const wallToInstant = (date: string, minute: number) => {
    if (minute >= DAY_MINUTES) return DateTime.fromISO(date, { zone }).plus({ days: 1 }).startOf('day').toMillis();
    const wall = Date.parse(`${date}T00:00:00Z`) + minute * MINUTE;
    const offsets = [wall - DAY_MINUTES * MINUTE, wall + DAY_MINUTES * MINUTE].map(
      (t) => DateTime.fromMillis(t, { zone }).offset,
    );
    const readings = offsets
      .map((o) => wall - o * MINUTE)
      .filter((t) => t + DateTime.fromMillis(t, { zone }).offset * MINUTE === wall);
    return readings.length > 0 ? Math.max(...readings) : wall - Math.min(...offsets) * MINUTE;
  };

  const perPractitioner = q.practitioners.map((p) => {
    const working = new Uint8Array(minutes);
    const dates = [...new Set(localDate)];
    for (const date of dates) {
      if (q.isClosed(date)) continue;
      for (const h of p.weeklyHours[weekdayOf.get(date)!] ?? []) {
        const from = wallToInstant(date, h.start);
        const until = wallToInstant(date, h.end);
        for (let t = from; t < until; t += MINUTE) if (index(t) >= 0 && index(t) < minutes) working[index(t)] = 1;
      }
    }
    for (const a of p.absences)
      for (let t = a.from; t < a.until; t += MINUTE) if (index(t) >= 0 && index(t) < minutes) working[index(t)] = 0;
    const busy = new Uint8Array(minutes);
    for (const b of p.busy)
      for (let t = b.from; t < b.until; t += MINUTE) if (index(t) >= 0 && index(t) < minutes) busy[index(t)] = 1;
    const free = (i: number) => {
      for (let k = i; k < i + dur; k++) if (!working[k]) return false;
      for (let k = i - q.type.bufferBeforeMinutes; k < i + dur + q.type.bufferAfterMinutes; k++)
        if (busy[k]) return false;
      return true;
    };
    const loads = new Map<string, number>();
    for (let i = 0; i < minutes; i++) if (busy[i]) loads.set(localDate[i]!, (loads.get(localDate[i]!) ?? 0) + 1);
    const load = (date: string) => loads.get(date) ?? 0;
    return { id: p.id, free, load };
  });

  const out: ReturnType<typeof normalise> = [];
  for (let date = q.from; date <= q.to; date = DateTime.fromISO(date).plus({ days: 1 }).toISODate()!) {
    const slots: { start: number; end: number; practitionerId: string }[] = [];
    for (let i = 0; i < minutes; i++) {
      if (localDate[i] !== date || minuteOfDay[i]! % g !== 0) continue;
      const t = startMs + i * MINUTE;
      if (t < earliest || t >= horizonEnd) continue;
      const candidates = perPractitioner.filter((p) => p.free(i));
      if (candidates.length === 0) continue;
      const least = Math.min(...candidates.map((c) => c.load(date)));
      const fair = candidates.filter((c) => c.load(date) === least).map((c) => c.id);
      slots.push({
        start: t,
        end: t + dur * MINUTE,
        practitionerId: fair.length === 1 ? fair[0]! : `one of ${fair.sort().join(',')}`,
      });
    }
    out.push({ date, slots });
  }
  return out;
}

/** Random but realistic-to-nasty queries: short ranges, often on or next to a DST change. */
function slotQueryArbitrary(): fc.Arbitrary<SlotQuery> {
  const dateArb = fc.oneof(
    fc
      .constantFrom(...dstDates)
      .chain((d) =>
        fc.integer({ min: -1, max: 1 }).map((shift) => DateTime.fromISO(d).plus({ days: shift }).toISODate()!),
      ),
    fc.integer({ min: 0, max: 729 }).map((n) => DateTime.fromISO('2026-01-01').plus({ days: n }).toISODate()!),
  );
  const minuteOfDay = fc.integer({ min: 0, max: 96 }).map((q) => q * 15);
  const hours = fc.array(
    fc
      .tuple(
        minuteOfDay,
        fc.integer({ min: 1, max: 48 }).map((q) => q * 15),
      )
      .map(([start, len]) => ({
        start,
        end: Math.min(DAY_MINUTES, start + len),
      })),
    { maxLength: 3 },
  );
  const weekly = fc.array(hours, { minLength: 7, maxLength: 7 }).map((days) => {
    const w: Record<number, { start: number; end: number }[]> = {};
    days.forEach((d, i) => (w[i + 1] = d.filter((h) => h.end > h.start)));
    return w;
  });
  return dateArb.chain((from) => {
    const base = DateTime.fromISO(from, { zone }).startOf('day').toMillis();
    const span = 3 * DAY_MINUTES;
    const interval = fc
      .tuple(fc.integer({ min: -120, max: span }), fc.integer({ min: 1, max: 240 }))
      .map(([start, len]) => ({ from: base + start * MINUTE, until: base + (start + len) * MINUTE }));
    const practitioner = (id: string) =>
      fc.record({
        id: fc.constant(id),
        weeklyHours: weekly,
        absences: fc.array(interval, { maxLength: 2 }),
        busy: fc.array(interval, { maxLength: 6 }),
      });
    return fc.record({
      rules: fc.record({
        timeZone: fc.constant(zone),
        granularityMinutes: fc.constantFrom(5, 10, 15, 20, 30, 60),
        minimumNoticeMinutes: fc.integer({ min: 0, max: 600 }),
        bookingHorizonDays: fc.integer({ min: 1, max: 5 }),
      }),
      type: fc.record({
        durationMinutes: fc.integer({ min: 5, max: 150 }),
        bufferBeforeMinutes: fc.integer({ min: 0, max: 30 }),
        bufferAfterMinutes: fc.integer({ min: 0, max: 30 }),
      }),
      from: fc.constant(from),
      to: fc.integer({ min: 0, max: 1 }).map((n) => DateTime.fromISO(from).plus({ days: n }).toISODate()!),
      now: fc.integer({ min: -2 * DAY_MINUTES, max: DAY_MINUTES }).map((m) => base + m * MINUTE),
      isClosed: fc.option(fc.constant(from), { nil: undefined }).map((closed) => (date: string) => date === closed),
      practitioners: fc
        .integer({ min: 1, max: 3 })
        .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => practitioner(`p${i + 1}`)))),
    });
  });
}
