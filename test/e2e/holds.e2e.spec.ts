import { createPool } from '@otk/db';
import { waitFor } from '@otk/test-kit';
import amqp from 'amqplib';
import { expect } from 'chai';
import type pg from 'pg';
import { startDemoStack } from '../support/demo-stack.js';
import { type LinkTokens, listenForLinkTokens } from '../support/link-tokens.js';
import { type OfferedSlot, aHoldRequest, getJson, offeredSlots, postJson } from '../support/factories.js';
import { openApiChecker } from '../support/openapi.js';
import type { Stack } from '../support/stack.js';

const CONCURRENT = 200;
const SWEEP_INTERVAL_MS = 2000;
const TAKEN_SLOT_MEMORY_MS = 5000;

describe('holds and double opt-in through the gateway on the real stack', function () {
  this.timeout(180000);
  let stack: Stack;
  let pool: pg.Pool;
  let checkups: OfferedSlot[];
  let links: LinkTokens;

  before(async () => {
    stack = await startDemoStack({
      // 200 requests at once queue up behind each other; none may time out while waiting.
      env: {
        RPC_TIMEOUT_MS: '30000',
        HOLD_EXPIRY_SWEEP_INTERVAL_MS: String(SWEEP_INTERVAL_MS),
        // Long enough that a busy machine cannot let it lapse between two requests of one test.
        TAKEN_SLOT_MEMORY_MS: String(TAKEN_SLOT_MEMORY_MS),
      },
    });
    pool = createPool({ connectionString: stack.env.DATABASE_URL!, applicationName: 'test' });
    links = await listenForLinkTokens(stack.env.AMQP_URL!);
    checkups = await offeredSlots(stack.gatewayUrl, { appointmentType: 'checkup', practitioner: 'dr-muster' });
  });

  after(async () => {
    await links?.stop();
    await pool?.end();
    await stack?.stop();
  });

  const api = (path: string) => `${stack.gatewayUrl}/api/v1${path}`;
  const matchesOpenApi = openApiChecker();
  /** Every answer of the hold and booking endpoints must match docs/api/openapi.yaml. */
  const post = async (path: string, body: unknown, headers: Record<string, string> = {}) => {
    const answer = await postJson(api(path), body, headers);
    matchesOpenApi('POST', path, answer.status, answer.body);
    return answer;
  };
  const manage = async (query: string) => {
    const answer = await getJson(api(`/bookings/manage${query}`));
    matchesOpenApi('GET', '/bookings/manage', answer.status, answer.body);
    return answer;
  };
  /** The next offered check-up at least `days` ahead, so that the cancellation deadline lies ahead too. */
  const nextCheckup = (days = 2) => {
    const index = checkups.findIndex((s) => Date.parse(s.start) > Date.now() + days * 86400_000);
    if (index < 0) throw new Error('no offered check-up left');
    return checkups.splice(index, 1)[0]!;
  };
  /** Availability learns of holds from events; wait until it shows the slot as busy. */
  const untilBusy = (slot: OfferedSlot) =>
    waitFor(async () => ((await isOffered(slot)) ? undefined : true), { what: 'the held slot to be busy' });
  const hold = (body: Record<string, unknown>, headers: Record<string, string> = {}) => post('/holds', body, headers);
  /** How many hold.place commands hold-manager has served (its duration histogram's count). */
  const holdPlaceCount = async () => {
    const text = await (await fetch(`${stack.services['hold-manager'].managementUrl}/metrics`)).text();
    const line = text
      .split('\n')
      .find((l) => /^booking_command_duration_seconds_count\{[^}]*command="hold\.place"/.test(l));
    return Number(line?.split(' ').at(-1) ?? 0);
  };
  /** The confirm token that went to the patient with the hold (heard where notification gets it). */
  const confirmTokenOf = (bookingId: string) => links.confirmTokenOf(bookingId);
  const manageTokenOf = (bookingId: string) => links.manageTokenOf(bookingId);
  const isOffered = async (slot: OfferedSlot, appointmentType = 'checkup') => {
    const day = slot.start.slice(0, 10);
    const { body } = await getJson(
      api(`/availability?appointmentType=${appointmentType}&practitioner=${slot.practitionerId}&from=${day}&to=${day}`),
    );
    const days = body.days as { slots: OfferedSlot[] }[];
    return days.some((d) => d.slots.some((s) => Date.parse(s.start) === Date.parse(slot.start)));
  };
  const setSettings = async (settings: Record<string, number>) => {
    const entries = Object.entries(settings);
    await pool.query(
      `UPDATE hold_manager.settings SET ${entries.map(([column], i) => `${column} = $${i + 1}`).join(', ')}`,
      entries.map(([, value]) => value),
    );
  };

  /** Fires all requests at once and counts the answers by status and code. */
  async function contend(bodies: Record<string, unknown>[]): Promise<Record<string, number>> {
    const answers = await Promise.all(bodies.map((body) => hold(body)));
    const counts: Record<string, number> = {};
    for (const { status, body } of answers) {
      const key = status === 201 ? '201' : `${status} ${String(body.code)}`;
      counts[key] = (counts[key] ?? 0) + 1;
    }
    return counts;
  }

  describe('contention', () => {
    it(`when ${CONCURRENT} patients request the same slot at once, then exactly one gets it and ${CONCURRENT - 1} get SLOT_TAKEN`, async () => {
      const slot = checkups.pop()!;
      const counts = await contend(Array.from({ length: CONCURRENT }, () => aHoldRequest(slot)));
      expect(counts).to.deep.equal({ '201': 1, '409 SLOT_TAKEN': CONCURRENT - 1 });
    });

    it(`when ${CONCURRENT} requests overlap on one practitioner with different durations, then exactly one gets it`, async () => {
      const consultations = await offeredSlots(stack.gatewayUrl, {
        appointmentType: 'first-consultation',
        practitioner: 'dr-muster',
        gapMinutes: 0,
      });
      // A check-up (30 + 5 min) at S and a first consultation (45 + 10 min) at S + 15 min overlap.
      const pair = checkups
        .slice()
        .reverse()
        .map((c) => ({ c, f: consultations.find((f) => Date.parse(f.start) === Date.parse(c.start) + 15 * 60_000) }))
        .find((p) => p.f);
      expect(pair, 'an offered check-up with an offered first consultation 15 min later').to.not.equal(undefined);
      checkups = checkups.filter((c) => c !== pair!.c);
      const bodies = Array.from({ length: CONCURRENT }, (_, i) =>
        i % 2 === 0
          ? aHoldRequest(pair!.c)
          : aHoldRequest({ ...pair!.f!, appointmentTypeId: 'first-consultation' }, { visitKind: 'first' }),
      );
      const counts = await contend(bodies);
      expect(counts).to.deep.equal({ '201': 1, '409 SLOT_TAKEN': CONCURRENT - 1 });
    });

    it(`when ${CONCURRENT} requests for two practitioners need their shared room at once, then exactly one gets it`, async () => {
      // In the demo practice dr-keller and dh-rossi share room-2 but never work at the same time;
      // give dh-rossi Monday mornings too, as a practice would in its catalogue.
      await pool.query(
        `INSERT INTO availability.working_hours (practitioner_id, weekday, starts_at, ends_at) VALUES ('dh-rossi', 1, '08:00', '12:00')`,
      );
      await pool.query(`SELECT pg_notify('availability_catalogue', '')`);
      const pair = await waitFor(
        async () => {
          const keller = await offeredSlots(stack.gatewayUrl, {
            appointmentType: 'checkup',
            practitioner: 'dr-keller',
            gapMinutes: 0,
          });
          const rossi = await offeredSlots(stack.gatewayUrl, {
            appointmentType: 'hygiene',
            practitioner: 'dh-rossi',
            gapMinutes: 0,
          });
          const k = keller.find((s) => rossi.some((r) => Date.parse(r.start) === Date.parse(s.start)));
          return k && { keller: k, rossi: rossi.find((r) => Date.parse(r.start) === Date.parse(k.start))! };
        },
        { timeoutMs: 30000, what: 'a time both dr-keller and dh-rossi are offered' },
      );
      const bodies = Array.from({ length: CONCURRENT }, (_, i) =>
        i % 2 === 0 ? aHoldRequest(pair.keller) : aHoldRequest({ ...pair.rossi, appointmentTypeId: 'hygiene' }),
      );
      const counts = await contend(bodies);
      expect(counts).to.deep.equal({ '201': 1, '409 SLOT_TAKEN': CONCURRENT - 1 });
    });

    it('when a slot is taken, then the refusal names the next free slots', async () => {
      const slot = nextCheckup();
      expect((await hold(aHoldRequest(slot))).status).to.equal(201);
      const refused = await hold(aHoldRequest(slot));
      expect(refused.status).to.equal(409);
      const { alternatives } = refused.body.details as { alternatives: OfferedSlot[] };
      expect(alternatives.length).to.be.greaterThan(0);
      expect(Date.parse(alternatives[0]!.start)).to.be.greaterThan(Date.parse(slot.start));
    });
  });

  describe('expiry', () => {
    afterEach(async () => {
      await setSettings({ confirmation_window_seconds: 900 });
    });

    it('when the 3-second window passes, then within 1 s the slot is offered again and the confirm link answers HOLD_EXPIRED', async () => {
      await setSettings({ confirmation_window_seconds: 3 });
      const slot = nextCheckup();
      const held = await hold(aHoldRequest(slot));
      expect(held.status).to.equal(201);
      const token = await confirmTokenOf(String(held.body.bookingId));
      const deadline = Date.parse(String(held.body.expiresAt));
      await untilBusy(slot);

      await waitFor(async () => ((await isOffered(slot)) ? true : undefined), {
        timeoutMs: 10000,
        intervalMs: 100,
        what: 'the slot to be offered again',
      });
      expect(Date.now() - deadline).to.be.lessThan(1000);
      const confirm = await post('/bookings/confirm', { token });
      expect(confirm.status).to.equal(409);
      expect(confirm.body.code).to.equal('HOLD_EXPIRED');
      expect(Date.now() - deadline).to.be.lessThan(1000);
    });

    it('when the expiry message is lost, then the sweep frees the slot within its period', async () => {
      await setSettings({ confirmation_window_seconds: 3 });
      const slot = nextCheckup();
      const held = await hold(aHoldRequest(slot));
      const deadline = Date.parse(String(held.body.expiresAt));
      await untilBusy(slot);
      const connection = await amqp.connect(stack.env.AMQP_URL!);
      try {
        const channel = await connection.createChannel();
        await waitFor(async () => ((await channel.checkQueue('delay.3000')).messageCount > 0 ? true : undefined), {
          what: 'the expiry message in its delay queue',
        });
        await channel.purgeQueue('delay.3000');
      } finally {
        await connection.close();
      }

      await waitFor(async () => ((await isOffered(slot)) ? true : undefined), {
        timeoutMs: 15000,
        intervalMs: 100,
        what: 'the sweep to free the slot',
      });
      expect(Date.now() - deadline).to.be.lessThan(SWEEP_INTERVAL_MS + 1000);
    });
  });

  describe('double opt-in, manage, change and cancel', () => {
    it('when a patient confirms, manages, changes and cancels, then each step answers and the slots follow', async () => {
      const [first, second] = [nextCheckup(), nextCheckup()];
      const held = await hold(aHoldRequest(first));
      const bookingId = String(held.body.bookingId);
      const confirmToken = await confirmTokenOf(bookingId);

      const confirmed = await post('/bookings/confirm', { token: confirmToken });
      expect(confirmed).to.deep.include({ status: 200 });
      expect(confirmed.body).to.deep.equal({ bookingId, status: 'confirmed', alreadyConfirmed: false });
      const again = await post('/bookings/confirm', { token: confirmToken });
      expect(again.body.alreadyConfirmed).to.equal(true);

      const manageToken = await manageTokenOf(bookingId);
      const page = await fetch(api(`/bookings/manage?token=${encodeURIComponent(manageToken)}`));
      expect(page.headers.get('cache-control')).to.equal('no-store');
      const shown = await manage(`?token=${encodeURIComponent(manageToken)}`);
      expect(shown.status).to.equal(200);
      expect(shown.body).to.include({ bookingId, status: 'confirmed', changeable: true });

      const changed = await post('/bookings/change', { token: manageToken, start: second.start });
      expect(changed.status).to.equal(200);
      expect(Date.parse(String(changed.body.start))).to.equal(Date.parse(second.start));
      await waitFor(async () => ((await isOffered(first)) ? true : undefined), { what: 'the old slot offered again' });

      const cancelled = await post('/bookings/cancel', { token: manageToken });
      expect(cancelled.body).to.deep.equal({ bookingId, status: 'cancelled' });
      await waitFor(async () => ((await isOffered(second)) ? true : undefined), { what: 'the new slot offered again' });
      const twice = await post('/bookings/cancel', { token: manageToken });
      expect([twice.status, twice.body.code]).to.deep.equal([409, 'ILLEGAL_TRANSITION']);
    });

    it('when tokens are misused, then the gateway answers with stable codes', async () => {
      const held = await hold(aHoldRequest(nextCheckup()));
      const confirmToken = await confirmTokenOf(String(held.body.bookingId));
      const wrong = await manage(`?token=${confirmToken}`);
      expect([wrong.status, wrong.body.code]).to.deep.equal([404, 'TOKEN_INVALID']);
      const missing = await manage('');
      expect([missing.status, missing.body.code]).to.deep.equal([400, 'VALIDATION_FAILED']);
      const withdrawn = await post('/bookings/withdraw', { token: confirmToken });
      expect(withdrawn.body.status).to.equal('withdrawn');
      const late = await post('/bookings/confirm', { token: confirmToken });
      expect([late.status, late.body.code]).to.deep.equal([409, 'ILLEGAL_TRANSITION']);
    });

    it('when the cancellation deadline has passed, then change and cancel answer 409 CANCELLATION_DEADLINE_PASSED', async () => {
      await setSettings({ cancellation_deadline_seconds: 200 * 86400 });
      try {
        const held = await hold(aHoldRequest(nextCheckup()));
        const bookingId = String(held.body.bookingId);
        await post('/bookings/confirm', { token: await confirmTokenOf(bookingId) });
        const token = await manageTokenOf(bookingId);
        const cancel = await post('/bookings/cancel', { token });
        expect([cancel.status, cancel.body.code]).to.deep.equal([409, 'CANCELLATION_DEADLINE_PASSED']);
        const change = await post('/bookings/change', { token, start: nextCheckup().start });
        expect([change.status, change.body.code]).to.deep.equal([409, 'CANCELLATION_DEADLINE_PASSED']);
      } finally {
        await setSettings({ cancellation_deadline_seconds: 86400 });
      }
    });
  });

  describe('hold requests', () => {
    it('when a request is retried with the same Idempotency-Key, then the same hold comes back; another body gets 422', async () => {
      const body = aHoldRequest(nextCheckup());
      const key = `retry-${Date.now()}`;
      const first = await hold(body, { 'idempotency-key': key });
      const retry = await hold(body, { 'idempotency-key': key });
      expect(first.status).to.equal(201);
      expect(retry).to.deep.equal(first);
      const other = await hold(aHoldRequest(nextCheckup()), { 'idempotency-key': key });
      expect([other.status, other.body.code]).to.deep.equal([422, 'IDEMPOTENCY_KEY_REUSED']);
      const malformed = await hold(aHoldRequest(nextCheckup()), { 'idempotency-key': 'has spaces in it' });
      expect([malformed.status, malformed.body.code]).to.deep.equal([400, 'VALIDATION_FAILED']);
    });

    it('when a slot was just refused as taken, then a request without a key gets that refusal without reaching hold-manager, and the winner retrying with its key gets its hold', async () => {
      const slot = nextCheckup();
      const winner = aHoldRequest(slot);
      const key = `winner-${Date.now()}`;
      const won = await hold(winner, { 'idempotency-key': key });
      expect(won.status).to.equal(201);
      const refused = await hold(aHoldRequest(slot));
      expect([refused.status, refused.body.code]).to.deep.equal([409, 'SLOT_TAKEN']);

      const asked = await holdPlaceCount();
      const again = await hold(aHoldRequest(slot));
      expect(again).to.deep.equal(refused);
      expect(await holdPlaceCount(), 'hold.place commands served').to.equal(asked);

      const retried = await hold(winner, { 'idempotency-key': key });
      expect(retried).to.deep.equal(won);
      const otherKey = await hold(aHoldRequest(slot), { 'idempotency-key': `${key}-other` });
      expect([otherKey.status, otherKey.body.code]).to.deep.equal([409, 'SLOT_TAKEN']);
      expect(await holdPlaceCount(), 'hold.place commands served').to.equal(asked + 2);
    });

    it('when a text field holds NUL, CR/LF, ESC, BEL, a direction override or a lone surrogate, then 400 VALIDATION_FAILED names the field', async () => {
      const slot = nextCheckup();
      const hostile = [
        'Null\u0000Byte',
        'Anna\r\nBcc: x@example.org',
        '\u001b[31m',
        'ring\u0007',
        'abc\u202Efdp.exe',
        'x\ud800',
      ];
      const fields: [string, (value: string) => Record<string, unknown>][] = [
        ['patient.lastName', (v) => ({ patient: { ...aHoldRequest().patient, lastName: v } })],
        ['patient.firstName', (v) => ({ patient: { ...aHoldRequest().patient, firstName: v } })],
        ['patient.street', (v) => ({ patient: { ...aHoldRequest().patient, street: v } })],
        ['consent.privacyPolicyVersion', (v) => ({ consent: { accepted: true, privacyPolicyVersion: v } })],
      ];
      for (const [field, change] of fields) {
        for (const value of hostile) {
          const answer = await hold({ ...aHoldRequest(slot), ...change(value) });
          expect([answer.status, answer.body.code], `${field} ${JSON.stringify(value)}`).to.deep.equal([
            400,
            'VALIDATION_FAILED',
          ]);
          const named = (answer.body.details as { fields: { path: string }[] }).fields.map((f) => f.path);
          expect(named, `${field} ${JSON.stringify(value)}`).to.include(field);
        }
      }
      const { rows } = await pool.query(`SELECT count(*)::int AS n FROM hold_manager.bookings WHERE starts_at = $1`, [
        slot.start,
      ]);
      expect(rows[0].n, 'nothing was held').to.equal(0);
    });

    it('when the birth date lies in the future or more than 130 years back, then 400 VALIDATION_FAILED', async () => {
      for (const birthDate of ['2999-01-01', '1850-05-05', '1990-02-30']) {
        const answer = await hold({
          ...aHoldRequest(nextCheckup()),
          patient: { ...aHoldRequest().patient, birthDate },
        });
        expect([answer.status, answer.body.code], birthDate).to.deep.equal([400, 'VALIDATION_FAILED']);
      }
    });

    it('when one e-mail address has too many open holds, then 429 TOO_MANY_OPEN_HOLDS', async () => {
      const patient = aHoldRequest().patient;
      const answers = [];
      for (let i = 0; i < 4; i++) answers.push(await hold({ ...aHoldRequest(nextCheckup()), patient }));
      expect(answers.map((a) => a.status)).to.deep.equal([201, 201, 201, 429]);
      expect(answers[3]!.body.code).to.equal('TOO_MANY_OPEN_HOLDS');
    });

    it('when a slot is not offered, or SMS comes without a phone, then the request is refused', async () => {
      const day = nextCheckup();
      const night = { ...day, start: `${day.start.slice(0, 10)}T02:00:00Z` }; // 3 a.m. in Zurich
      const notOffered = await hold(aHoldRequest(night));
      expect([notOffered.status, notOffered.body.code]).to.deep.equal([409, 'SLOT_NOT_OFFERED']);
      const sms = await hold(aHoldRequest(nextCheckup(), { channel: 'sms' }));
      expect([sms.status, sms.body.code]).to.deep.equal([400, 'VALIDATION_FAILED']);
    });
  });
});
