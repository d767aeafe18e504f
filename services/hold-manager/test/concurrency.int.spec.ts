import { AppError, placeHoldRequestV1 } from '@otk/contracts';
import { expect } from 'chai';
import fc from 'fast-check';
import { confirmBooking } from '../src/domain/confirm-booking.use-case.js';
import { ExpiryNotDueError, expireHoldWhenDue, sweepOverdueHolds } from '../src/domain/expire-holds.use-case.js';
import { cancelBooking, changeBooking } from '../src/domain/manage-booking.use-case.js';
import { placeHold } from '../src/domain/place-hold.use-case.js';
import type { HoldManagerDeps } from '../src/domain/ports.js';
import { withdrawHold } from '../src/domain/withdraw-hold.use-case.js';
import { aPlaceHoldRequest, outboxEvents, setSettings } from './support/practice.js';
import { useCaseHarness } from './support/use-cases.js';

/** Refusals that a crowd of patients legitimately gets; anything else fails the test. */
const expectedRefusals = new Set(['SLOT_TAKEN', 'HOLD_EXPIRED', 'ILLEGAL_TRANSITION', 'TOKEN_INVALID']);
const practitioners = ['dr-a', 'dr-b', 'dr-c'];
const types = ['checkup', 'treatment'];
/** Two mornings of 4 hours, starts 5 minutes apart: plenty of overlaps on practitioners and room-2. */
const starts = [3, 4].flatMap((day) =>
  Array.from({ length: 48 }, (_, i) => new Date(Date.UTC(2031, 2, day, 7) + i * 5 * 60_000).toISOString()),
);

const operation = fc.oneof(
  {
    weight: 45,
    arbitrary: fc.record({
      op: fc.constant('hold' as const),
      practitioner: fc.constantFrom(...practitioners),
      type: fc.constantFrom(...types),
      start: fc.constantFrom(...starts),
    }),
  },
  { weight: 10, arbitrary: fc.record({ op: fc.constant('confirm' as const), pick: fc.nat() }) },
  { weight: 6, arbitrary: fc.record({ op: fc.constant('withdraw' as const), pick: fc.nat() }) },
  {
    weight: 12,
    arbitrary: fc.record({
      op: fc.constant('change' as const),
      pick: fc.nat(),
      practitioner: fc.constantFrom(...practitioners),
      start: fc.constantFrom(...starts),
    }),
  },
  { weight: 8, arbitrary: fc.record({ op: fc.constant('cancel' as const), pick: fc.nat() }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('sweep' as const) }) },
  { weight: 5, arbitrary: fc.record({ op: fc.constant('expire' as const), pick: fc.nat() }) },
);
type Operation = typeof operation extends fc.Arbitrary<infer T> ? T : never;

describe('hold-manager: randomized concurrency of holds, confirms, changes, cancels and expiries', function () {
  this.timeout(120000);
  let h: Awaited<ReturnType<typeof useCaseHarness>>;

  before(async () => {
    h = await useCaseHarness();
    await setSettings(h.pool, { max_open_holds_per_contact: 1000, max_open_holds_per_client: 100000 });
  });
  after(async () => {
    await h?.close();
  });

  it('when many clients interleave every step at random, then no two active bookings overlap on any occupant', async () => {
    // Time runs 5000 times faster than the wall clock, so 15-minute windows lapse during the run.
    const t0 = Date.now();
    const base = Date.UTC(2031, 0, 1);
    const deps: HoldManagerDeps = { ...h.deps, now: () => new Date(base + (Date.now() - t0) * 5000) };
    const confirmTokens: string[] = [];
    const manageTokens: string[] = [];
    const bookingIds: string[] = [];
    const outcomes: Record<string, number> = {};
    const count = (key: string) => (outcomes[key] = (outcomes[key] ?? 0) + 1);
    const pick = <T>(list: T[], n: number) => list[n % list.length];

    const run = async (step: Operation): Promise<void> => {
      switch (step.op) {
        case 'hold': {
          const request = placeHoldRequestV1.parse(
            aPlaceHoldRequest({ practitionerId: step.practitioner, appointmentTypeId: step.type, start: step.start }),
          );
          const { bookingId } = await placeHold(deps, request);
          bookingIds.push(bookingId);
          const [held] = await outboxEvents(h.pool, 'notice.bookingHeld', bookingId);
          confirmTokens.push(held!.data.confirmToken);
          return;
        }
        case 'confirm': {
          const token = pick(confirmTokens, step.pick);
          if (!token) return;
          const { bookingId, alreadyConfirmed } = await confirmBooking(deps, token);
          if (!alreadyConfirmed) {
            const [confirmed] = await outboxEvents(h.pool, 'notice.bookingConfirmed', bookingId);
            manageTokens.push(confirmed!.data.manageToken);
          }
          return;
        }
        case 'withdraw': {
          const token = pick(confirmTokens, step.pick);
          if (token) await withdrawHold(deps, token);
          return;
        }
        case 'change': {
          const token = pick(manageTokens, step.pick);
          if (token) await changeBooking(deps, { token, start: step.start, practitionerId: step.practitioner });
          return;
        }
        case 'cancel': {
          const token = pick(manageTokens, step.pick);
          if (token) await cancelBooking(deps, token);
          return;
        }
        case 'sweep':
          await sweepOverdueHolds(deps);
          return;
        case 'expire': {
          const bookingId = pick(bookingIds, step.pick);
          if (bookingId) await expireHoldWhenDue(deps, bookingId);
          return;
        }
      }
    };

    // A failing run names its seed; HOLDS_TEST_SEED=<seed> replays the same operations (not their timing).
    const seed = Number(process.env.HOLDS_TEST_SEED ?? Date.now() % 2 ** 31);
    const clients = fc.sample(fc.array(operation, { minLength: 40, maxLength: 40 }), { numRuns: 16, seed });
    await Promise.all(
      clients.map(async (steps) => {
        for (const step of steps) {
          try {
            await run(step);
            count(`${step.op} ok`);
          } catch (error) {
            if (error instanceof ExpiryNotDueError) count('expire early');
            else if (error instanceof AppError && expectedRefusals.has(error.code)) count(`${step.op} ${error.code}`);
            else throw error;
          }
        }
      }),
    );

    // Independent of the constraint: from the bookings table alone, by status and deadline, with
    // an explicit interval comparison.
    const { rows } = await h.pool.query<{ a: string; b: string; occupant: string }>(
      `WITH active AS (
         SELECT b.id, b.occupied_from, b.occupied_until, (o->>'kind') || ':' || (o->>'id') AS occupant
           FROM hold_manager.bookings b CROSS JOIN LATERAL jsonb_array_elements(b.occupants) o
          WHERE b.status = 'confirmed' OR (b.status = 'held' AND b.expires_at > $1))
       SELECT x.id AS a, y.id AS b, x.occupant
         FROM active x JOIN active y
           ON x.occupant = y.occupant AND x.id < y.id
          AND x.occupied_from < y.occupied_until AND y.occupied_from < x.occupied_until`,
      [deps.now()],
    );
    expect(rows, `seed ${seed}: ${JSON.stringify(outcomes)}`).to.deep.equal([]);
    // The run must really have contended and moved through the states, or it proves nothing.
    expect(outcomes['hold ok'] ?? 0, `seed ${seed}: ${JSON.stringify(outcomes)}`).to.be.greaterThan(10);
    expect(outcomes['hold SLOT_TAKEN'] ?? 0, `seed ${seed}: ${JSON.stringify(outcomes)}`).to.be.greaterThan(10);
    expect(outcomes['confirm ok'] ?? 0, `seed ${seed}: ${JSON.stringify(outcomes)}`).to.be.greaterThan(0);
    const { rows: statuses } = await h.pool.query<{ status: string }>(
      'SELECT DISTINCT status FROM hold_manager.bookings',
    );
    expect(statuses.map((s) => s.status)).to.include('expired');
    expect(statuses.map((s) => s.status)).to.include.oneOf(['confirmed', 'cancelled']);
  });
});
