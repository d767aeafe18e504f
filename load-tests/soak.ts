/**
 * Soak: steady load for a long time (default 30 minutes), to see memory, queues and latency stay
 * flat. HOLD_RATE provisional requests a second (default 20), each followed through its e-mail:
 * nine in ten withdrawn with the confirm link, one in ten confirmed and then cancelled with the
 * manage link — so every slot comes free again and a long run never runs out of them. Beside
 * them BROWSE_RATE patients a second (default 20) browse availability.
 *
 * Needs a test deployment with a mail catcher (MAIL_API_URL) and open-hold limits raised for one
 * client address (see README.md). k6 sees only the answers: watch each service's memory
 * (`process_resident_memory_bytes`) and queue depths in Prometheus while it runs, and judge them
 * as README.md says.
 *
 *   k6 run -e BASE_URL=http://127.0.0.1:8080 -e MAIL_API_URL=http://127.0.0.1:1080 load-tests/soak.ts
 *
 * Environment: BASE_URL, MAIL_API_URL, DURATION (default 30m), HOLD_RATE (default 20),
 * BROWSE_RATE (default 20), MAX_VUS (default 400), MAIL_TIMEOUT_SECONDS (default 30).
 */
import type { Options } from 'k6/options';
import { flowsCompleted, getPractice, getSlots, holdAndFollowLink, pick, bookingFlowLevels } from './lib/otk.ts';

const duration = __ENV.DURATION || '30m';
const maxVUs = Number(__ENV.MAX_VUS || '400');

export const options: Options = {
  scenarios: {
    holds: {
      executor: 'constant-arrival-rate',
      rate: Number(__ENV.HOLD_RATE || '20'),
      timeUnit: '1s',
      duration,
      preAllocatedVUs: Math.ceil(maxVUs / 2),
      maxVUs,
      exec: 'holdFlow',
    },
    browse: {
      executor: 'constant-arrival-rate',
      rate: Number(__ENV.BROWSE_RATE || '20'),
      timeUnit: '1s',
      duration,
      preAllocatedVUs: 20,
      maxVUs: 100,
      exec: 'browse',
    },
  },
  thresholds: {
    ...bookingFlowLevels,
    dropped_iterations: ['count==0'],
  },
};

const browsed = ['checkup', 'first-consultation'];

export function holdFlow(): void {
  const practice = getPractice();
  const fromDay = 2 + Math.floor(Math.random() * Math.max(1, practice.bookingHorizonDays - 10));
  const then = Math.random() < 0.1 ? 'confirm-and-cancel' : 'withdraw';
  flowsCompleted.add(
    holdAndFollowLink(
      practice,
      { appointmentTypeId: 'checkup', practitioner: 'any', fromDay, toDay: fromDay + 6 },
      then,
    ),
  );
}

export function browse(): void {
  const week = Math.floor(Math.random() * 8);
  getSlots(pick(browsed) ?? 'checkup', 'any', week * 7, week * 7 + 6);
}
