/**
 * The whole booking funnel, as a patient goes through it: open the booking site, look for a free
 * slot, send the provisional request (`POST /holds`), open the e-mail and click its confirm link
 * (`POST /bookings/confirm`), then — so that a run leaves the practice's calendar as it found it —
 * cancel through the manage link of the confirmation e-mail (`POST /bookings/cancel`).
 *
 * The e-mails are read from the mail catcher's HTTP API (MailDev: `make up` runs one on port 1080;
 * a test deployment points notification's SMTP_URL at one). Run it only against a test deployment:
 * it sends real e-mails to whatever SMTP server notification uses, and the holds count against the
 * practice's open-hold limits (see README.md).
 *
 *   k6 run -e BASE_URL=http://127.0.0.1:8080 -e MAIL_API_URL=http://127.0.0.1:1080 load-tests/funnel.ts
 *
 * Environment: BASE_URL, MAIL_API_URL, VUS (default 5), DURATION (default 5m), APPOINTMENT_TYPE
 * (default checkup), CANCEL (default true; false leaves the confirmed bookings in place),
 * MAIL_TIMEOUT_SECONDS (default 30), THINK_SECONDS (default 1).
 */
import { sleep } from 'k6';
import type { Options } from 'k6/options';
import {
  flowsCompleted,
  getCatalogue,
  getPractice,
  holdAndFollowLink,
  bookingFlowLevels,
  thinkSeconds,
} from './lib/otk.ts';

const appointmentTypeId = __ENV.APPOINTMENT_TYPE || 'checkup';

export const options: Options = {
  scenarios: {
    funnel: {
      executor: 'constant-vus',
      vus: Number(__ENV.VUS || '5'),
      duration: __ENV.DURATION || '5m',
    },
  },
  thresholds: {
    ...bookingFlowLevels,
  },
};

export default function funnel(): void {
  const practice = getPractice();
  getCatalogue();
  sleep(thinkSeconds);
  // Two days ahead at the earliest, so that the confirmed booking may still be cancelled online.
  const fromDay = 2 + Math.floor(Math.random() * Math.max(1, practice.bookingHorizonDays - 16));
  const completed = holdAndFollowLink(
    practice,
    { appointmentTypeId, practitioner: 'any', fromDay, toDay: fromDay + 6 },
    __ENV.CANCEL === 'false' ? 'confirm' : 'confirm-and-cancel',
  );
  flowsCompleted.add(completed);
}
