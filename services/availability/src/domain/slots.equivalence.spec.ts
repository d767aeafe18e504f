import { expect } from 'chai';
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { gridWalkComputeSlots } from '../../test/support/grid-walk-slot-engine.js';
import { type BusyEntry, BusyIndex } from './busy-index.js';
import type { Absence, AppointmentType, Catalogue, Practitioner } from './catalogue.js';
import { practitionersFor, slotQuery } from './list-slots.use-case.js';
import { computeSlots } from './slots.js';

const MINUTE = 60_000;
const DAY_MINUTES = 1440;

/**
 * Zones with the kinds of DST change there are: at 02:00 (Zurich, New York), at midnight, so that
 * a local day starts at 01:00 or midnight occurs twice (Santiago, Havana, Beirut), by half an hour
 * (Lord Howe), with offsets of a quarter or half hour (Chatham, St. John's, Kolkata), and none (UTC).
 */
const zones = [
  'Europe/Zurich',
  'America/New_York',
  'America/Santiago',
  'America/Havana',
  'Asia/Beirut',
  'Australia/Lord_Howe',
  'Pacific/Chatham',
  'America/St_Johns',
  'Asia/Kolkata',
  'UTC',
];

/** The local dates of 2026 and 2027 on which the zone's offset changes. */
function changeDates(zone: string): string[] {
  const dates: string[] = [];
  for (let day = DateTime.fromISO('2026-01-01', { zone }); day.year < 2028; day = day.plus({ days: 1 })) {
    if (day.startOf('day').offset !== day.endOf('day').offset) dates.push(day.toISODate()!);
  }
  return dates;
}
const changes = new Map(zones.map((zone) => [zone, changeDates(zone)]));

/** Every granularity the practice settings allow (5–240 minutes, dividing the day). */
const granularities = Array.from({ length: 236 }, (_, i) => i + 5).filter((g) => DAY_MINUTES % g === 0);

const practitionerIds = ['dr-a', 'dr-b', 'dr-c', 'dh-d', 'dr-e'];
const resourceIds = ['room-1', 'room-2', 'device-1'];

interface Case {
  catalogue: Catalogue;
  entries: BusyEntry[];
  type: AppointmentType;
  practitionerId: string;
  from: string;
  to: string;
  now: number;
  busySources: 'all' | 'practice-calendar';
}

/** Whole practices: hours, absences, holidays, rooms, bookings held and confirmed, in every kind of zone. */
function caseArbitrary(): fc.Arbitrary<Case> {
  return fc.constantFrom(...zones).chain((zone) => {
    const anyDate = fc
      .integer({ min: 0, max: 729 })
      .map((n) => DateTime.fromISO('2026-01-01').plus({ days: n }).toISODate()!);
    const changeDays = changes.get(zone)!;
    const date =
      changeDays.length === 0
        ? anyDate
        : fc.oneof(
            fc
              .tuple(fc.constantFrom(...changeDays), fc.integer({ min: -2, max: 1 }))
              .map(([d, shift]) => DateTime.fromISO(d).plus({ days: shift }).toISODate()!),
            anyDate,
          );
    return fc.tuple(date, fc.integer({ min: 0, max: 9 })).chain(([from, extraDays]) => {
      const to = DateTime.fromISO(from).plus({ days: extraDays }).toISODate()!;
      const base = DateTime.fromISO(from, { zone }).startOf('day').toMillis();
      const span = (extraDays + 3) * DAY_MINUTES;
      // Intervals anywhere from a day before the range to a day after: mostly on the quarter hour,
      // as practices book (so that appointments fit gaps exactly), some to the minute or not even that.
      const interval = fc
        .tuple(
          fc.oneof(
            fc.integer({ min: -DAY_MINUTES / 15, max: span / 15 }).map((q) => q * 15),
            fc.integer({ min: -DAY_MINUTES, max: span }),
          ),
          fc.oneof(
            fc.integer({ min: 0, max: 20 }).map((q) => q * 15),
            fc.integer({ min: 0, max: 300 }),
          ),
          fc.constantFrom(0, 0, 0, 0, 0, 1, 30_000),
        )
        .map(([start, length, ms]) => ({ from: base + start * MINUTE + ms, until: base + (start + length) * MINUTE }));
      const hours = fc.array(
        fc
          .tuple(fc.integer({ min: 0, max: 288 }), fc.integer({ min: 0, max: 144 }))
          .map(([start, length]) => ({ start: start * 5, end: Math.min(DAY_MINUTES, (start + length) * 5) })),
        { maxLength: 3 },
      );
      const weeklyHours = fc.array(hours, { minLength: 7, maxLength: 7 }).map((days) => {
        const weekly: Record<number, { start: number; end: number }[]> = {};
        days.forEach((d, i) => (weekly[i + 1] = d));
        return weekly;
      });
      const practitioners = fc.shuffledSubarray(practitionerIds, { minLength: 1, maxLength: 5 }).chain((ids) =>
        fc.tuple(
          ...ids.map((id) =>
            fc.record({
              id: fc.constant(id),
              displayName: fc.constant(id),
              resourceIds: fc.subarray(resourceIds),
              weeklyHours,
            }),
          ),
        ),
      );
      return fc
        .tuple(
          practitioners,
          fc.record({
            durationMinutes: fc.oneof(
              fc.integer({ min: 1, max: 48 }).map((n) => n * 5),
              fc.integer({ min: 5, max: 240 }),
            ),
            bufferBeforeMinutes: fc.oneof(
              fc.integer({ min: 0, max: 12 }).map((n) => n * 5),
              fc.integer({ min: 0, max: 60 }),
            ),
            bufferAfterMinutes: fc.oneof(
              fc.integer({ min: 0, max: 12 }).map((n) => n * 5),
              fc.integer({ min: 0, max: 60 }),
            ),
          }),
          fc.record({
            granularityMinutes: fc.oneof(fc.constantFrom(5, 10, 15, 30), fc.constantFrom(...granularities)),
            minimumNoticeMinutes: fc.oneof(
              fc.integer({ min: 0, max: 240 }),
              fc.integer({ min: 0, max: 3 * DAY_MINUTES }),
            ),
            bookingHorizonDays: fc.oneof(
              { arbitrary: fc.constant(0), weight: 1 },
              { arbitrary: fc.integer({ min: 1, max: 20 }), weight: 9 },
            ),
          }),
          // Now: from three days before the range to its first day, to the millisecond.
          fc.integer({ min: -3 * DAY_MINUTES * MINUTE, max: DAY_MINUTES * MINUTE }).map((ms) => base + ms),
          // A holiday now and then, the day after the range included.
          fc.subarray(
            Array.from({ length: extraDays + 2 }, (_, i) => DateTime.fromISO(from).plus({ days: i }).toISODate()!),
            { maxLength: 1 },
          ),
          fc.constantFrom<Case['busySources']>('all', 'practice-calendar'),
        )
        .chain(([chosen, lengths, rules, now, holidays, busySources]) => {
          const occupant = fc.oneof(
            fc.constantFrom(...chosen.map((p) => ({ kind: 'practitioner' as const, id: p.id }))),
            fc.constantFrom(...resourceIds.map((id) => ({ kind: 'resource' as const, id }))),
          );
          const entryAt = (at: fc.Arbitrary<{ from: number; until: number }>) =>
            fc.record({
              interval: at,
              occupants: fc.array(occupant, { minLength: 1, maxLength: 3 }),
              status: fc.constantFrom<BusyEntry['status']>('held', 'confirmed', 'busy'),
              expiresAt: fc.option(
                fc.integer({ min: -DAY_MINUTES, max: DAY_MINUTES }).map((m) => now + m * MINUTE),
                { nil: null },
              ),
            });
          // Two busy times with room between them for exactly one appointment, buffers included
          // (or a minute more or less): where a start is free at a single instant.
          const room = lengths.bufferBeforeMinutes + lengths.durationMinutes + lengths.bufferAfterMinutes;
          const exactGap = fc
            .tuple(
              entryAt(interval),
              fc.constantFrom(-1, 0, 0, 0, 1),
              fc.integer({ min: 1, max: 8 }).map((q) => q * 15),
            )
            .map(([first, slack, length]) => {
              const from = first.interval.until + (room + slack) * MINUTE;
              return [first, { ...first, interval: { from, until: from + length * MINUTE } }];
            });
          const entries = fc
            .array(
              fc.oneof(
                entryAt(interval).map((e) => [e]),
                exactGap,
              ),
              { maxLength: 30 },
            )
            .map((groups) => groups.flat());
          const absence = fc.record({
            practitionerId: fc.option(fc.constantFrom(...chosen.map((p) => p.id)), { nil: null }),
            interval,
          });
          return fc
            .record({
              entries,
              absences: fc.array(absence, { maxLength: 3 }),
              practitionerId: fc.oneof(fc.constant('any'), fc.constantFrom(...chosen.map((p) => p.id))),
            })
            .map(({ entries, absences, practitionerId }): Case => {
              const type: AppointmentType = {
                id: 'type',
                name: { de: 'Termin' },
                ...lengths,
                visitKinds: ['first', 'followup'],
                groupId: null,
                onlineBookable: true,
                practitionerIds: chosen.map((p) => p.id),
              };
              return {
                catalogue: catalogueOf(zone, rules, chosen, type, absences, new Set(holidays)),
                entries: entries.map((e, i) => ({ key: `booking:${i}`, ...e })),
                type,
                practitionerId,
                from,
                to,
                now,
                busySources,
              };
            });
        });
    });
  });
}

function catalogueOf(
  zone: string,
  rules: { granularityMinutes: number; minimumNoticeMinutes: number; bookingHorizonDays: number },
  practitioners: Practitioner[],
  type: AppointmentType,
  absences: Omit<Absence, 'id'>[],
  holidays: Set<string>,
): Catalogue {
  return {
    practice: {
      name: 'Praxis',
      timeZone: zone,
      defaultLanguage: 'de',
      languages: ['de'],
      holidayCountry: 'CH',
      requiredPatientFields: ['birthDate'],
      holidayRegion: null,
      ...rules,
      askVisitKind: false,
      askAppointmentGroup: false,
      smsOffered: false,
      privacyPolicyUrl: null,
      privacyPolicyVersion: null,
      phone: null,
      logoUrl: null,
      brandColour: null,
    },
    practitioners,
    groups: [],
    types: [type],
    resources: resourceIds.map((id) => ({ id, name: id, kind: 'room' as const })),
    absences: absences.map((a, i) => ({ id: `absence-${i}`, ...a })),
    isHoliday: (date) => holidays.has(date),
  };
}

describe('slot engine against the grid walk it replaced', () => {
  it('when given random practices, bookings, buffers, rooms and zones (DST days included), then every answer is the same, down to who takes each slot', function () {
    this.timeout(300_000);
    let withSlots = 0;
    let shared = 0;
    const runs = Number(process.env.SLOT_PROPERTY_RUNS ?? 3_000);
    fc.assert(
      fc.property(caseArbitrary(), (c) => {
        const busy = new BusyIndex();
        busy.replaceAll(c.entries);
        const query = slotQuery(c.catalogue, busy, {
          type: c.type,
          practitioners: practitionersFor(c.catalogue, c.type, c.practitionerId),
          from: c.from,
          to: c.to,
          now: c.now,
          busySources: c.busySources,
        });
        const days = computeSlots(query);
        expect(days).to.deep.equal(gridWalkComputeSlots(query));
        const slots = days.flatMap((d) => d.slots);
        if (slots.length > 0) withSlots++;
        if (new Set(slots.map((s) => s.practitionerId)).size > 1) shared++;
      }),
      { numRuns: runs },
    );
    // The cases must say something: most offer slots, many of them shared between practitioners.
    expect(withSlots).to.be.greaterThan(runs / 2);
    expect(shared).to.be.greaterThan(runs / 10);
  });
});
