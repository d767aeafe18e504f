import { AppError } from '@otk/contracts';
import { aBookingConfirmedEvent, aBookingHeldEvent } from '@otk/test-kit';
import { expect } from 'chai';
import { type InMemoryWebhooks, answersWith, codeOf, inMemoryWebhooks } from '../../../test/support/in-memory-ports.js';
import { deliverNextWebhook } from './deliver-webhooks.use-case.js';
import { addWebhook, listWebhooks, rotateWebhookSecret, setWebhookEnabled } from './manage-webhooks.use-case.js';
import { recordWebhookEvent } from './record-webhook-event.use-case.js';
import { webhookEventTypes } from './webhook-endpoint.js';

const hour = 3600_000;
const url = 'https://crm.praxis-muster.example/hooks';
const unknownId = '00000000-0000-4000-8000-000000000000';

async function anEndpoint(app: InMemoryWebhooks): Promise<{ id: string; secret: string }> {
  const { endpoint, secret } = await addWebhook(app.deps, { url, description: 'CRM', personalData: 'none' });
  return { id: endpoint.id, secret };
}

/** The secrets that signed the next due delivery. */
async function signingSecrets(app: InMemoryWebhooks): Promise<string[]> {
  await recordWebhookEvent(aBookingHeldEvent(), app.deps);
  expect(await deliverNextWebhook(app.deps)).to.equal(true);
  return app.sender.requests.at(-1)!.secrets;
}

describe('managing the webhook endpoints (use cases, in memory)', () => {
  describe('adding an endpoint', () => {
    it('when an operator adds an endpoint, then it is enabled for every event type and its new secret is answered this once', async () => {
      const app = inMemoryWebhooks();

      const { endpoint, secret } = await addWebhook(app.deps, { url, description: 'CRM', personalData: 'contact' });

      expect(secret).to.match(/^whsec_[A-Za-z0-9+/]{43}=$/);
      expect(app.endpoints.secretsOf(endpoint.id).secret).to.equal(secret);
      expect(endpoint).to.deep.include({
        url,
        description: 'CRM',
        events: [...webhookEventTypes],
        personalData: 'contact',
        enabled: true,
        disabledReason: null,
        consecutiveFailures: 0,
        previousSecretUntil: null,
      });
      expect(JSON.stringify(await listWebhooks(app.deps, 10)), 'never listed').not.to.include(secret);
    });

    it('when the operator names the events and a long description, then only those events are subscribed and the description is cut to 500 characters', async () => {
      const app = inMemoryWebhooks();

      const { endpoint } = await addWebhook(app.deps, {
        url,
        description: 'x'.repeat(600),
        events: ['booking.confirmed', 'booking.cancelled'],
        personalData: 'none',
      });

      expect(endpoint.events).to.deep.equal(['booking.confirmed', 'booking.cancelled']);
      expect(endpoint.description).to.have.length(500);
      expect(await recordWebhookEvent(aBookingHeldEvent(), app.deps)).to.equal('no-endpoint');
    });

    it('when two endpoints are added, then each gets a secret of its own', async () => {
      const app = inMemoryWebhooks();

      const [first, second] = [await anEndpoint(app), await anEndpoint(app)];

      expect(first.secret).not.to.equal(second.secret);
    });

    for (const [why, bad] of [
      ['not an absolute URL', 'crm.praxis-muster.example/hooks'],
      ['plain http to another host', 'http://crm.praxis-muster.example/hooks'],
      ['a user name and password in it', 'https://user:pass@crm.praxis-muster.example/hooks'],
      ['a fragment', 'https://crm.praxis-muster.example/hooks#top'],
    ]) {
      it(`when the URL has ${why}, then it is refused as VALIDATION_FAILED on the url and nothing is registered`, async () => {
        const app = inMemoryWebhooks();

        const error = await addWebhook(app.deps, { url: bad!, description: '', personalData: 'none' }).catch(
          (e: unknown) => e,
        );

        expect(error).to.be.instanceOf(AppError).and.deep.include({ code: 'VALIDATION_FAILED' });
        expect((error as AppError).details).to.deep.equal({ field: 'url' });
        expect(await app.endpoints.list()).to.deep.equal([]);
      });
    }
  });

  describe('listing the endpoints', () => {
    it('when there is no endpoint, then the list is empty', async () => {
      expect(await listWebhooks(inMemoryWebhooks().deps, 10)).to.deep.equal({ endpoints: [] });
    });

    it('when endpoints have deliveries, then each is listed with its newest ones only, with their states and codes', async () => {
      const app = inMemoryWebhooks();
      const first = await anEndpoint(app);
      const second = await anEndpoint(app);
      const events = [aBookingHeldEvent(), aBookingHeldEvent(), aBookingHeldEvent()];
      for (const event of events) await recordWebhookEvent(event, app.deps);
      app.sender.answer = answersWith(503);
      await deliverNextWebhook(app.deps);

      const { endpoints } = await listWebhooks(app.deps, 2);

      expect(endpoints.map((e) => e.id)).to.deep.equal([first.id, second.id]);
      expect(endpoints[0]!.recentDeliveries.map((d) => d.eventId)).to.deep.equal([events[2]!.id, events[1]!.id]);
      expect(endpoints[1]!.recentDeliveries).to.have.length(2);
      const failed = (await listWebhooks(app.deps, 3)).endpoints[0]!.recentDeliveries.at(-1);
      expect(failed).to.deep.include({ eventId: events[0]!.id, status: 'pending', attempts: 1, lastHttpStatus: 503 });
    });
  });

  describe('switching an endpoint off and on', () => {
    it('when an operator disables an endpoint, then it says so and new events are no longer recorded for it', async () => {
      const app = inMemoryWebhooks();
      const { id } = await anEndpoint(app);

      const view = await setWebhookEnabled(app.deps, id, false);

      expect(view).to.deep.include({ id, enabled: false, disabledReason: 'operator' });
      expect(await recordWebhookEvent(aBookingConfirmedEvent(), app.deps)).to.equal('no-endpoint');
    });

    it('when an operator enables an endpoint the sender disabled, then its streak starts over and what waited is sent at once', async () => {
      const app = inMemoryWebhooks({
        policy: { retryDelaysMs: [hour], disableAfterFailures: 1, disableAfterMs: 0 },
      });
      const { id } = await anEndpoint(app);
      await recordWebhookEvent(aBookingHeldEvent(), app.deps);
      app.sender.answer = answersWith(500);
      await deliverNextWebhook(app.deps);
      expect(await app.endpoints.find(id)).to.deep.include({ enabled: false, disabledReason: 'failing' });
      app.sender.answer = () => ({ result: 'delivered', httpStatus: 204 });

      const view = await setWebhookEnabled(app.deps, id, true);

      expect(view).to.deep.include({ enabled: true, disabledReason: null, consecutiveFailures: 0 });
      expect(await deliverNextWebhook(app.deps), 'due at once, not after its hour').to.equal(true);
      expect(app.sender.requests).to.have.length(2);
    });

    it('when the endpoint is unknown, then it is refused as NOT_FOUND', async () => {
      const app = inMemoryWebhooks();

      expect(await codeOf(setWebhookEnabled(app.deps, unknownId, false))).to.equal('NOT_FOUND');
    });

    it('when the endpoint is removed while it is being switched, then it is refused as NOT_FOUND', async () => {
      const app = inMemoryWebhooks();
      const { id } = await anEndpoint(app);
      const { endpoints } = app;
      const setEnabled = endpoints.setEnabled.bind(endpoints);
      endpoints.setEnabled = async (...args) => {
        const found = await setEnabled(...args);
        await endpoints.remove(id);
        return found;
      };

      expect(await codeOf(setWebhookEnabled(app.deps, id, true))).to.equal('NOT_FOUND');
    });
  });

  describe('rotating the secret', () => {
    it('when an operator rotates the secret, then the new one is answered once and both sign until the grace period ends', async () => {
      const app = inMemoryWebhooks();
      const { id, secret: old } = await anEndpoint(app);

      const rotated = await rotateWebhookSecret(app.deps, id, 24);

      const until = new Date(app.clock.now().getTime() + 24 * hour);
      expect(rotated).to.deep.equal({ id, secret: rotated.secret, previousSecretUntil: until.toISOString() });
      expect(rotated.secret)
        .to.match(/^whsec_/)
        .and.not.equal(old);
      expect((await listWebhooks(app.deps, 1)).endpoints[0]).to.deep.include({
        previousSecretUntil: until.toISOString(),
      });
      app.clock.set(new Date(until.getTime() - 1));
      expect(await signingSecrets(app)).to.deep.equal([rotated.secret, old]);
      app.clock.set(until);
      expect(await signingSecrets(app)).to.deep.equal([rotated.secret]);
    });

    it('when the grace period is 0 hours, then only the new secret signs from now on', async () => {
      const app = inMemoryWebhooks();
      const { id } = await anEndpoint(app);

      const rotated = await rotateWebhookSecret(app.deps, id, 0);

      expect(await signingSecrets(app)).to.deep.equal([rotated.secret]);
    });

    it('when the endpoint is unknown, then it is refused as NOT_FOUND', async () => {
      const app = inMemoryWebhooks();

      expect(await codeOf(rotateWebhookSecret(app.deps, unknownId, 24))).to.equal('NOT_FOUND');
    });
  });
});
