/**
 * What the k6 scripts share: where OTK is, the service levels as thresholds, and the steps a
 * patient takes through the public API (docs/api/openapi.yaml). Only k6 modules and ES2020 here:
 * k6 runs these files itself (no Node.js, no npm packages, no `URL`).
 */
import { check, fail, sleep } from 'k6';
import http from 'k6/http';
import type { RefinedResponse, ResponseType } from 'k6/http';
import { Counter, Rate, Trend } from 'k6/metrics';

/** The gateway's origin, e.g. http://127.0.0.1:8080 (`make up`) or http://otk-gateway:8080 in the cluster. */
export const baseUrl = (__ENV.BASE_URL || 'http://127.0.0.1:8080').replace(/\/$/, '');
/** The mail catcher's HTTP API (MailDev) of a test deployment; `make up` serves it on port 1080. */
export const mailApiUrl = (__ENV.MAIL_API_URL || 'http://127.0.0.1:1080').replace(/\/$/, '');
/** Seconds a virtual user waits between two pages, as a patient reads. */
export const thinkSeconds = Number(__ENV.THINK_SECONDS || '1');
/** How long the provisional-request e-mail may take to show up in the mail catcher. */
export const mailTimeoutSeconds = Number(__ENV.MAIL_TIMEOUT_SECONDS || '30');

/**
 * Every API answer that is not a 5xx (and not a broken connection) counts towards the booking
 * API's availability: 409 SLOT_TAKEN or 429 are answers the service meant to give.
 */
export const apiNon5xx = new Rate('api_non_5xx');
/** Time from the 201 of a hold until its e-mail is in the mail catcher. */
export const mailDelivery = new Trend('mail_delivery', true);
/** Patients who got to the end of their flow (confirmed, withdrawn or cancelled as planned). */
export const flowsCompleted = new Rate('flows_completed');
/** Holds refused because someone else was faster: expected under load, not an error. */
export const holdsSlotTaken = new Counter('holds_slot_taken');

/** The service levels (load-tests/README.md), as k6 thresholds. */
export const serviceLevels = {
  /** Booking API: at least 99.9 % of answers are not 5xx. */
  api: { api_non_5xx: ['rate>=0.999'] },
  /** Availability: 95 % of answers within 50 ms. */
  availability: { 'http_req_duration{name:availability}': ['p(95)<50'] },
  /** Hold placement: 99 % within 1 s. */
  holds: { 'http_req_duration{name:holds}': ['p(99)<1000'] },
  /** Confirming, withdrawing and cancelling: 99 % within 1 s. */
  bookings: { 'http_req_duration{name:bookings}': ['p(99)<1000'] },
  /** A patient gets the provisional-request e-mail: 95 % within 10 s of the hold. */
  mail: { mail_delivery: ['p(95)<10000'] },
  /** Flows that end as planned: at least 99 %. */
  flows: { flows_completed: ['rate>=0.99'] },
};

/** Every service level a patient's whole way through the booking flow touches. */
export const bookingFlowLevels = {
  ...serviceLevels.api,
  ...serviceLevels.availability,
  ...serviceLevels.holds,
  ...serviceLevels.bookings,
  ...serviceLevels.mail,
  ...serviceLevels.flows,
};

const json = { 'content-type': 'application/json', accept: 'application/json' };

function recorded<RT extends ResponseType | undefined>(response: RefinedResponse<RT>): RefinedResponse<RT> {
  apiNon5xx.add(response.status !== 0 && response.status < 500);
  return response;
}

/** GET under /api/v1, tagged with `name` so that every URL of one endpoint is one series. */
export function apiGet(path: string, name: string): RefinedResponse<'text'> {
  return recorded(http.get(`${baseUrl}/api/v1${path}`, { headers: { accept: 'application/json' }, tags: { name } }));
}

/** POST of a JSON body under /api/v1; 4xx answers are expected outcomes, not failed requests. */
export function apiPost(path: string, body: unknown, name: string): RefinedResponse<'text'> {
  return recorded(
    http.post(`${baseUrl}/api/v1${path}`, JSON.stringify(body), {
      headers: json,
      tags: { name },
      responseCallback: http.expectedStatuses({ min: 200, max: 499 }),
    }),
  );
}

/** The JSON body of an answer, or undefined when it has none. */
export function bodyOf<T>(response: RefinedResponse<'text'>): T | undefined {
  try {
    return JSON.parse(response.body) as T;
  } catch {
    return undefined;
  }
}

export interface Practice {
  bookingHorizonDays: number;
  minimumNoticeMinutes: number;
  privacyPolicy: { version: string | null };
}
export interface AppointmentType {
  id: string;
  visitKinds: string[];
  practitionerIds: string[];
}
export interface Catalogue {
  appointmentTypes: AppointmentType[];
}
export interface Slot {
  start: string;
  end: string;
  practitionerId: string;
}
interface Availability {
  days: { date: string; slots: Slot[] }[];
}

export function getPractice(): Practice {
  const response = apiGet('/practice', 'practice');
  check(response, { 'practice: 200': (r) => r.status === 200 });
  return bodyOf<Practice>(response) ?? fail(`GET /practice answered ${response.status}`);
}

export function getCatalogue(): Catalogue {
  const response = apiGet('/catalogue', 'catalogue');
  check(response, { 'catalogue: 200': (r) => r.status === 200 });
  return bodyOf<Catalogue>(response) ?? fail(`GET /catalogue answered ${response.status}`);
}

/** A local date `days` from today, as `YYYY-MM-DD` (UTC; one day off near midnight does no harm). */
export function dateIn(days: number): string {
  return new Date(Date.now() + days * 86400000).toISOString().slice(0, 10);
}

/** The free slots of one type and practitioner (or `any`) from `fromDay` to `toDay` days ahead. */
export function getSlots(appointmentType: string, practitioner: string, fromDay: number, toDay: number): Slot[] {
  const query =
    `appointmentType=${encodeURIComponent(appointmentType)}&practitioner=${encodeURIComponent(practitioner)}` +
    `&from=${dateIn(fromDay)}&to=${dateIn(toDay)}`;
  const response = apiGet(`/availability?${query}`, 'availability');
  check(response, { 'availability: 200': (r) => r.status === 200 });
  const body = bodyOf<Availability>(response);
  if (response.status !== 200 || !body) return [];
  const slots: Slot[] = [];
  for (const day of body.days) for (const slot of day.slots) slots.push(slot);
  return slots;
}

export function pick<T>(items: readonly T[]): T | undefined {
  return items.length === 0 ? undefined : items[Math.floor(Math.random() * items.length)];
}

/**
 * A synthetic patient for each call: an address no real person has, unique per virtual user and
 * iteration, so the mail catcher can be asked for exactly this patient's e-mails.
 */
export function aPatient(label: string): { firstName: string; lastName: string; birthDate: string; email: string } {
  const unique = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e9).toString(36)}`;
  return {
    firstName: 'Load',
    lastName: 'Test',
    birthDate: '1980-01-01',
    email: `${label}.${__VU}.${__ITER}.${unique}@loadtest.example`,
  };
}

export function aHoldRequest(slot: Slot, appointmentTypeId: string, practice: Practice, email?: string) {
  const patient = aPatient('k6');
  return {
    appointmentTypeId,
    practitionerId: slot.practitionerId,
    start: slot.start,
    channel: 'email',
    language: 'de',
    patient: email ? { ...patient, email } : patient,
    consent: { accepted: true, privacyPolicyVersion: practice.privacyPolicy.version || '2026-01' },
  };
}

export interface HoldOutcome {
  status: number;
  code?: string;
  bookingId?: string;
  alternatives: Slot[];
}

/** POST /holds; 201 or 409 SLOT_TAKEN are the answers a patient may get when all is well. */
export function placeHold(request: ReturnType<typeof aHoldRequest>): HoldOutcome {
  const response = apiPost('/holds', request, 'holds');
  const body = bodyOf<{ bookingId?: string; code?: string; details?: { alternatives?: Slot[] } }>(response);
  if (response.status === 409 && body?.code === 'SLOT_TAKEN') holdsSlotTaken.add(1);
  return {
    status: response.status,
    code: body?.code,
    bookingId: body?.bookingId,
    alternatives: body?.details?.alternatives ?? [],
  };
}

/** POST /bookings/{confirm,withdraw,cancel} with a link's token; true on 200. */
export function bookingStep(step: 'confirm' | 'withdraw' | 'cancel', token: string): boolean {
  const response = apiPost(`/bookings/${step}`, { token }, 'bookings');
  return check(response, { [`${step}: 200`]: (r) => r.status === 200 });
}

interface CaughtMail {
  id: string;
  html?: string;
  text?: string;
}

/**
 * The token of the first `/confirm` or `/manage` link in an e-mail to `address`, read from the
 * mail catcher's API as a patient would click it; waits up to `mailTimeoutSeconds`.
 */
export function tokenFromMail(address: string, path: '/confirm' | '/manage'): string | undefined {
  const link = new RegExp(`${path}\\?token=([\\w-]+)`);
  const deadline = Date.now() + mailTimeoutSeconds * 1000;
  for (;;) {
    const response = http.get(`${mailApiUrl}/api/email?to.address=${encodeURIComponent(address)}`, {
      tags: { name: 'mail-catcher' },
    });
    const mails = response.status === 200 ? (bodyOf<CaughtMail[]>(response) ?? []) : [];
    for (const mail of mails) {
      const match = link.exec(`${mail.html ?? ''}\n${mail.text ?? ''}`);
      if (match) return match[1];
    }
    if (Date.now() > deadline) return undefined;
    sleep(0.25);
  }
}

/** Deletes a patient's e-mails from the mail catcher, so that a long run does not fill it. */
export function forgetMail(address: string): void {
  const response = http.get(`${mailApiUrl}/api/email?to.address=${encodeURIComponent(address)}`, {
    tags: { name: 'mail-catcher' },
  });
  for (const mail of bodyOf<CaughtMail[]>(response) ?? []) {
    http.del(`${mailApiUrl}/api/email/${encodeURIComponent(mail.id)}`, null, { tags: { name: 'mail-catcher' } });
  }
}

/**
 * One patient who holds a slot and follows the link in the e-mail: confirms (and, with
 * `thenCancel`, cancels through the manage link of the confirmation) or withdraws. Picks a random
 * offered slot in `fromDay`..`toDay` days ahead; on SLOT_TAKEN takes one of the alternatives, as
 * the site offers them, up to three times. Returns true when the flow ended as planned.
 */
export function holdAndFollowLink(
  practice: Practice,
  choice: { appointmentTypeId: string; practitioner: string; fromDay: number; toDay: number },
  then: 'confirm' | 'confirm-and-cancel' | 'withdraw',
): boolean {
  let slot = pick(getSlots(choice.appointmentTypeId, choice.practitioner, choice.fromDay, choice.toDay));
  if (!slot) fail(`no ${choice.appointmentTypeId} slot offered between day ${choice.fromDay} and ${choice.toDay}`);
  const email = aPatient('k6').email;
  for (let attempt = 0; attempt < 3 && slot; attempt++) {
    const held = placeHold(aHoldRequest(slot, choice.appointmentTypeId, practice, email));
    if (held.status === 201) {
      const heldAt = Date.now();
      const confirmToken = tokenFromMail(email, '/confirm');
      const mailArrived = check(confirmToken, { 'provisional-request e-mail with confirm link': (t) => !!t });
      if (!confirmToken || !mailArrived) return false;
      mailDelivery.add(Date.now() - heldAt);
      let done: boolean;
      if (then === 'withdraw') done = bookingStep('withdraw', confirmToken);
      else {
        done = bookingStep('confirm', confirmToken);
        if (done && then === 'confirm-and-cancel') {
          const manageToken = tokenFromMail(email, '/manage');
          done = check(manageToken, { 'confirmation e-mail with manage link': (t) => !!t }) && !!manageToken;
          if (manageToken) done = bookingStep('cancel', manageToken) && done;
        }
      }
      forgetMail(email);
      return done;
    }
    const expected = check(held, { 'hold: 201 or 409 SLOT_TAKEN': (h) => h.code === 'SLOT_TAKEN' });
    if (!expected) return false;
    slot = pick(held.alternatives);
  }
  return false;
}
