/**
 * Contention on one slot: CONTENDERS virtual users (default 500) ask for the same slot at the
 * same moment, ROUNDS times (default 10), each round on another slot. The service level is
 * correctness first: exactly one 201 per round, every other answer 409 SLOT_TAKEN, no 5xx —
 * OTK never books one slot twice, whatever the concurrency.
 *
 * `setup()` picks ROUNDS offered check-up slots near the end of the booking horizon, where real
 * patients rarely look; the winners' holds lapse after the practice's confirmation window
 * (15 minutes by default). All requests come from one client address: the practice's open-hold
 * limit per client (20 by default) must allow ROUNDS open holds (see README.md).
 *
 *   k6 run -e BASE_URL=http://127.0.0.1:8080 load-tests/contention.ts
 *
 * Environment: BASE_URL, CONTENDERS (default 500), ROUNDS (default 10), ROUND_SECONDS (time
 * given to each round before the next starts, default 30), APPOINTMENT_TYPE (default checkup),
 * PRACTITIONER (default dr-muster, a practitioner of the demo practice).
 */
import { check } from 'k6';
import type { Options, Scenario } from 'k6/options';
import { Counter } from 'k6/metrics';
import { type Slot, aHoldRequest, getPractice, getSlots, placeHold, serviceLevels } from './lib/otk.ts';

const contenders = Number(__ENV.CONTENDERS || '500');
const rounds = Number(__ENV.ROUNDS || '10');
const roundSeconds = Number(__ENV.ROUND_SECONDS || '30');
const appointmentTypeId = __ENV.APPOINTMENT_TYPE || 'checkup';
const practitioner = __ENV.PRACTITIONER || 'dr-muster';

const holdsWon = new Counter('holds_won');
const holds5xx = new Counter('holds_5xx');
const holdsOther = new Counter('holds_other');

/** One scenario per round, one after the other: every VU of a round sends its one request at once. */
const scenarios: Record<string, Scenario> = {};
for (let round = 0; round < rounds; round++) {
  scenarios[`round_${round + 1}`] = {
    executor: 'per-vu-iterations',
    vus: contenders,
    iterations: 1,
    startTime: `${round * roundSeconds}s`,
    maxDuration: `${roundSeconds - 1}s`,
    gracefulStop: '0s',
    exec: 'contend',
    env: { ROUND: String(round) },
  };
}

export const options: Options = {
  scenarios,
  thresholds: {
    holds_won: [`count==${rounds}`],
    holds_slot_taken: [`count==${rounds * (contenders - 1)}`],
    holds_5xx: ['count==0'],
    holds_other: ['count==0'],
    ...serviceLevels.api,
    ...serviceLevels.holds,
  },
};

interface Data {
  slots: Slot[];
  privacyPolicyVersion: string | null;
  bookingHorizonDays: number;
  minimumNoticeMinutes: number;
}

export function setup(): Data {
  const practice = getPractice();
  const horizon = practice.bookingHorizonDays;
  const offered = getSlots(appointmentTypeId, practitioner, Math.max(2, horizon - 21), horizon - 1);
  // Far apart, so that no two rounds' slots overlap.
  const slots: Slot[] = [];
  for (const slot of offered) {
    const last = slots[slots.length - 1];
    if (!last || Date.parse(slot.start) - Date.parse(last.start) >= 3 * 3600000) slots.push(slot);
  }
  if (slots.length < rounds) throw new Error(`only ${slots.length} far-apart slots offered for ${rounds} rounds`);
  return {
    slots: slots.slice(-rounds),
    privacyPolicyVersion: practice.privacyPolicy.version,
    bookingHorizonDays: practice.bookingHorizonDays,
    minimumNoticeMinutes: practice.minimumNoticeMinutes,
  };
}

export function contend(data: Data): void {
  const slot = data.slots[Number(__ENV.ROUND || '0')];
  if (!slot) throw new Error(`no slot for round ${__ENV.ROUND}`);
  const practice = {
    bookingHorizonDays: data.bookingHorizonDays,
    minimumNoticeMinutes: data.minimumNoticeMinutes,
    privacyPolicy: { version: data.privacyPolicyVersion },
  };
  const outcome = placeHold(aHoldRequest(slot, appointmentTypeId, practice));
  if (outcome.status === 201) holdsWon.add(1);
  else if (outcome.status >= 500 || outcome.status === 0) holds5xx.add(1);
  else if (!(outcome.status === 409 && outcome.code === 'SLOT_TAKEN')) holdsOther.add(1);
  check(outcome, { 'hold: 201 or 409 SLOT_TAKEN': (o) => o.status === 201 || o.code === 'SLOT_TAKEN' });
}
