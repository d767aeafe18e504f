import { aBookingConfirmedEvent, aBookingHeldEvent } from '@otk/test-kit';
import { expect } from 'chai';
import {
  type InMemoryWebhooks,
  answersWith,
  inMemoryWebhooks,
  timesOut,
} from '../../../test/support/in-memory-ports.js';
import { deliverNextWebhook } from './deliver-webhooks.use-case.js';
import { addWebhook } from './manage-webhooks.use-case.js';
import { recordWebhookEvent } from './record-webhook-event.use-case.js';
import type { WebhookRetryPolicy } from './webhook-retry-policy.js';

const minute = 60_000;
const hour = 60 * minute;
const url = 'https://crm.praxis-muster.example/hooks?key=s3cr3t-api-key';

/** Never disables an endpoint, for the tests of a single delivery's retries. */
const neverDisable: Partial<WebhookRetryPolicy> = { disableAfterFailures: 1000 };

async function anEndpoint(app: InMemoryWebhooks): Promise<{ id: string; secret: string }> {
  const { endpoint, secret } = await addWebhook(app.deps, { url, description: '', personalData: 'contact' });
  return { id: endpoint.id, secret };
}

/** An event recorded for the endpoints, and its delivery to the first of them. */
async function anEventOwed(app: InMemoryWebhooks, event = aBookingHeldEvent()) {
  await recordWebhookEvent(event, app.deps);
  return { event, delivery: () => app.deliveries.of(event.id)[0]! };
}

/** Moves the clock to the delivery's next attempt and makes it. */
async function nextAttempt(app: InMemoryWebhooks, delivery: () => { nextAttemptAt: Date }): Promise<void> {
  app.clock.set(delivery().nextAttemptAt);
  expect(await deliverNextWebhook(app.deps), 'an attempt was due').to.equal(true);
}

describe('delivering the webhooks (use case, in memory)', () => {
  it('when nothing is due, then nothing is sent and it says so', async () => {
    const app = inMemoryWebhooks();
    await anEndpoint(app);

    expect(await deliverNextWebhook(app.deps)).to.equal(false);
    expect(app.sender.requests).to.deep.equal([]);
  });

  it('when a delivery is due, then it is signed with the endpoint’s secret, sent once with its recorded body, and logged as delivered', async () => {
    const app = inMemoryWebhooks();
    const endpoint = await anEndpoint(app);
    const { event, delivery } = await anEventOwed(app);
    const payload = delivery().payload;

    expect(await deliverNextWebhook(app.deps)).to.equal(true);
    expect(await deliverNextWebhook(app.deps), 'nothing due after it went').to.equal(false);

    expect(app.sender.requests).to.deep.equal([
      { url, messageId: event.id, payload, secrets: [endpoint.secret], timestamp: app.clock.now() },
    ]);
    expect(delivery()).to.deep.include({
      status: 'delivered',
      attempts: 1,
      lastHttpStatus: 204,
      lastError: null,
      payload: null,
      finishedAt: app.clock.now(),
    });
    expect(await app.counter('webhook_attempts_total', { outcome: 'delivered' })).to.equal(1);
  });

  it('when an attempt fails, then the delivery waits the first delay, keeps its body and the error, and goes after the wait', async () => {
    const app = inMemoryWebhooks({ policy: neverDisable });
    await anEndpoint(app);
    const { delivery } = await anEventOwed(app);
    const payload = delivery().payload;
    const failedAt = app.clock.now();
    app.sender.answer = answersWith(503);

    await deliverNextWebhook(app.deps);

    expect(delivery()).to.deep.include({
      status: 'pending',
      attempts: 1,
      lastHttpStatus: 503,
      lastError: 'http 503',
      nextAttemptAt: new Date(failedAt.getTime() + minute),
      payload,
    });
    expect(await app.counter('webhook_attempts_total', { outcome: 'failed' })).to.equal(1);
    app.sender.answer = () => ({ result: 'delivered', httpStatus: 200 });
    app.clock.advance(minute - 1);
    expect(await deliverNextWebhook(app.deps), 'not before its delay').to.equal(false);
    app.clock.advance(1);
    expect(await deliverNextWebhook(app.deps)).to.equal(true);
    expect(delivery()).to.deep.include({ status: 'delivered', attempts: 2, lastHttpStatus: 200 });
    expect(app.sender.requests.map((r) => r.payload)).to.deep.equal([payload, payload]);
  });

  it('when the receiver does not answer in time, then the attempt fails without a status', async () => {
    const app = inMemoryWebhooks({ policy: neverDisable });
    await anEndpoint(app);
    const { delivery } = await anEventOwed(app);
    app.sender.answer = timesOut;

    await deliverNextWebhook(app.deps);

    expect(delivery()).to.deep.include({ status: 'pending', lastHttpStatus: null, lastError: 'timeout' });
  });

  it('when attempts keep failing, then each waits the next delay (the last repeating) and the last attempt gives the delivery up', async () => {
    const app = inMemoryWebhooks({
      policy: { retryDelaysMs: [minute, 10 * minute, hour], maxAttempts: 5, ...neverDisable },
    });
    await anEndpoint(app);
    const { delivery } = await anEventOwed(app);
    app.sender.answer = answersWith(500);
    const waits: number[] = [];

    await deliverNextWebhook(app.deps);
    for (let attempt = 2; attempt <= 5; attempt += 1) {
      const failedAt = app.clock.now().getTime();
      waits.push(delivery().nextAttemptAt.getTime() - failedAt);
      await nextAttempt(app, delivery);
    }

    expect(waits).to.deep.equal([minute, 10 * minute, hour, hour]);
    expect(delivery()).to.deep.include({ status: 'failed', attempts: 5, lastError: 'http 500', payload: null });
    expect(await app.counter('webhook_attempts_total', { outcome: 'failed' })).to.equal(4);
    expect(await app.counter('webhook_attempts_total', { outcome: 'given-up' })).to.equal(1);
    app.clock.advance(24 * hour);
    expect(await deliverNextWebhook(app.deps), 'never tried again').to.equal(false);
    expect(app.logs.some((line) => line.msg === 'webhook given up after its last attempt')).to.equal(true);
  });

  it('when an endpoint has failed often enough over long enough, then it is disabled, the staff notice is owed, and it gets nothing more', async () => {
    const app = inMemoryWebhooks({
      policy: { retryDelaysMs: [minute, hour], maxAttempts: 10, disableAfterFailures: 3, disableAfterMs: hour },
    });
    const endpoint = await anEndpoint(app);
    const { delivery } = await anEventOwed(app);
    const failingSince = app.clock.now();
    app.sender.answer = answersWith(502);

    await deliverNextWebhook(app.deps);
    await nextAttempt(app, delivery);
    expect((await app.endpoints.find(endpoint.id))?.enabled, 'two failures are not enough').to.equal(true);
    await nextAttempt(app, delivery);

    expect(await app.endpoints.find(endpoint.id)).to.deep.include({
      enabled: false,
      disabledReason: 'failing',
      consecutiveFailures: 3,
      failingSince,
    });
    expect(app.endpoints.secretsOf(endpoint.id).disabledNoticePending).to.equal(true);
    expect(await app.counter('webhook_endpoints_disabled_total')).to.equal(1);
    expect(delivery().status, 'the delivery waits for the endpoint to be enabled again').to.equal('pending');
    app.clock.advance(24 * hour);
    expect(await deliverNextWebhook(app.deps)).to.equal(false);
    expect(await recordWebhookEvent(aBookingConfirmedEvent(), app.deps)).to.equal('no-endpoint');
  });

  it('when an endpoint fails often enough but only over a short time, then it stays enabled', async () => {
    const app = inMemoryWebhooks({
      policy: { retryDelaysMs: [minute], maxAttempts: 10, disableAfterFailures: 3, disableAfterMs: hour },
    });
    const endpoint = await anEndpoint(app);
    const { delivery } = await anEventOwed(app);
    app.sender.answer = answersWith(502);

    await deliverNextWebhook(app.deps);
    for (let attempt = 2; attempt <= 5; attempt += 1) await nextAttempt(app, delivery);

    expect(await app.endpoints.find(endpoint.id)).to.deep.include({ enabled: true, consecutiveFailures: 5 });
    expect(await app.counter('webhook_endpoints_disabled_total')).to.equal(0);
  });

  it('when different deliveries to an endpoint fail, then their failures add up to the endpoint’s one streak', async () => {
    const app = inMemoryWebhooks({
      policy: { retryDelaysMs: [hour], maxAttempts: 10, disableAfterFailures: 3, disableAfterMs: hour },
    });
    const endpoint = await anEndpoint(app);
    app.sender.answer = answersWith(500);
    for (const offset of [0, 30 * minute, 60 * minute]) {
      app.clock.set(new Date(Date.parse('2030-01-01T08:00:00Z') + offset));
      await anEventOwed(app);
      await deliverNextWebhook(app.deps);
    }

    expect(await app.endpoints.find(endpoint.id)).to.deep.include({
      enabled: false,
      disabledReason: 'failing',
      consecutiveFailures: 3,
    });
  });

  it('when an attempt succeeds after failures, then the endpoint’s streak starts over', async () => {
    const app = inMemoryWebhooks({ policy: neverDisable });
    const endpoint = await anEndpoint(app);
    const { delivery } = await anEventOwed(app);
    app.sender.answer = answersWith(500);
    await deliverNextWebhook(app.deps);
    await nextAttempt(app, delivery);
    expect(await app.endpoints.find(endpoint.id)).to.deep.include({ consecutiveFailures: 2 });
    app.sender.answer = () => ({ result: 'delivered', httpStatus: 200 });

    await nextAttempt(app, delivery);

    expect(await app.endpoints.find(endpoint.id)).to.deep.include({ consecutiveFailures: 0, failingSince: null });
  });

  it('when a delivery is attempted, then the log names ids and codes, never the URL’s key or the patient', async () => {
    const app = inMemoryWebhooks({ policy: neverDisable });
    await anEndpoint(app);
    const { event, delivery } = await anEventOwed(app);
    app.sender.answer = answersWith(500);
    await deliverNextWebhook(app.deps);
    app.sender.answer = () => ({ result: 'delivered', httpStatus: 200 });
    await nextAttempt(app, delivery);

    const logged = JSON.stringify(app.logs);
    expect(app.logs.map((line) => line.msg)).to.deep.equal(['webhook attempt failed', 'webhook delivered']);
    expect(app.logs[1]).to.deep.include({ eventId: event.id, webhookDeliveryId: delivery().id, attempts: 2 });
    expect(logged).not.to.include('s3cr3t-api-key');
    expect(logged).not.to.include('anna.beispiel@example.org');
  });
});
