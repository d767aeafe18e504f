/**
 * Patients browsing: each virtual user is a patient who opens the booking site (practice,
 * catalogue), picks an appointment type and a practitioner (or "whoever is free first") and pages
 * through the weeks. Half of the patients look at what most patients look at (check-ups, this week
 * and the next: answers the gateway and availability have cached), the others at any type and week
 * up to the booking horizon (answers computed afresh). Read-only: it books nothing.
 *
 *   k6 run -e BASE_URL=http://127.0.0.1:8080 load-tests/availability.ts
 *
 * Environment: BASE_URL, VUS (default 50), DURATION (default 5m), PAGES (weeks a patient pages
 * through, default 4), THINK_SECONDS (between pages, default 1).
 */
import { group, sleep } from 'k6';
import type { Options } from 'k6/options';
import {
  type AppointmentType,
  getCatalogue,
  getPractice,
  getSlots,
  pick,
  serviceLevels,
  thinkSeconds,
} from './lib/otk.ts';

const pages = Number(__ENV.PAGES || '4');

export const options: Options = {
  scenarios: {
    browse: {
      executor: 'constant-vus',
      vus: Number(__ENV.VUS || '50'),
      duration: __ENV.DURATION || '5m',
    },
  },
  thresholds: {
    ...serviceLevels.api,
    ...serviceLevels.availability,
    checks: ['rate>=0.999'],
  },
};

export default function browse(): void {
  const site = group('open the booking site', () => ({ practice: getPractice(), catalogue: getCatalogue() }));
  const types = site.catalogue.appointmentTypes;
  const popular = Math.random() < 0.5;
  const type: AppointmentType | undefined = popular ? (types.find((t) => t.id === 'checkup') ?? types[0]) : pick(types);
  if (!type) return;
  const practitioner = popular || Math.random() < 0.5 ? 'any' : (pick(type.practitionerIds) ?? 'any');
  const horizonWeeks = Math.max(1, Math.floor(site.practice.bookingHorizonDays / 7) - 1);
  const firstWeek = popular ? 0 : Math.floor(Math.random() * Math.max(1, horizonWeeks - pages));
  group('page through the weeks', () => {
    for (let page = 0; page < pages; page++) {
      const week = firstWeek + page;
      if (week > horizonWeeks) break;
      getSlots(type.id, practitioner, week * 7, week * 7 + 6);
      sleep(thinkSeconds);
    }
  });
}
