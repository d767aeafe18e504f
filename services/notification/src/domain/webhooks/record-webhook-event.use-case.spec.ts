import { aBookingConfirmedEvent, aBookingHeldEvent, aWaitlistOfferedEvent } from '@otk/test-kit';
import { expect } from 'chai';
import { type InMemoryWebhooks, inMemoryWebhooks } from '../../../test/support/in-memory-ports.js';
import { addWebhook } from './manage-webhooks.use-case.js';
import { recordWebhookEvent } from './record-webhook-event.use-case.js';
import type { PersonalDataLevel, WebhookEventType } from './webhook-endpoint.js';

async function anEndpoint(
  app: InMemoryWebhooks,
  options: { events?: WebhookEventType[]; personalData?: PersonalDataLevel } = {},
): Promise<string> {
  const { endpoint } = await addWebhook(app.deps, {
    url: 'https://crm.praxis-muster.example/hooks',
    description: '',
    personalData: options.personalData ?? 'none',
    ...(options.events ? { events: options.events } : {}),
  });
  return endpoint.id;
}

const bodyOf = (payload: string | null) =>
  JSON.parse(payload ?? 'null') as { type: string; data: Record<string, unknown> };

describe('recording an event for the webhook endpoints (use case, in memory)', () => {
  it('when no endpoint is registered, then nothing is owed and the result says so', async () => {
    const app = inMemoryWebhooks();
    const event = aBookingHeldEvent();

    expect(await recordWebhookEvent(event, app.deps)).to.equal('no-endpoint');
    expect(app.deliveries.of(event.id)).to.deep.equal([]);
  });

  it('when the endpoints subscribed to other event types only, or are disabled, then nothing is owed', async () => {
    const app = inMemoryWebhooks();
    await anEndpoint(app, { events: ['booking.cancelled'] });
    const disabled = await anEndpoint(app);
    await app.endpoints.setEnabled(disabled, false, app.clock.now());
    const event = aBookingHeldEvent();

    expect(await recordWebhookEvent(event, app.deps)).to.equal('no-endpoint');
    expect(app.deliveries.of(event.id)).to.deep.equal([]);
  });

  it('when endpoints subscribed to the event, then each is owed one delivery, due now, with the body cut to its personal-data level', async () => {
    const app = inMemoryWebhooks();
    const none = await anEndpoint(app, { personalData: 'none' });
    const contact = await anEndpoint(app, { personalData: 'contact', events: ['booking.confirmed'] });
    await anEndpoint(app, { events: ['booking.held'] });
    const event = aBookingConfirmedEvent();

    expect(await recordWebhookEvent(event, app.deps)).to.equal('recorded');

    const owed = app.deliveries.of(event.id);
    expect(owed.map((d) => d.endpointId)).to.deep.equal([none, contact]);
    expect(owed.map((d) => d.nextAttemptAt)).to.deep.equal([app.clock.now(), app.clock.now()]);
    expect(owed.map((d) => d.bookingId)).to.deep.equal([event.data.booking.bookingId, event.data.booking.bookingId]);
    const [forNone, forContact] = owed.map((d) => bodyOf(d.payload));
    expect(forNone).to.deep.include({ type: 'booking.confirmed', timestamp: event.occurredAt });
    expect(forNone?.data).to.include({ bookingId: event.data.booking.bookingId }).and.not.to.have.property('patient');
    expect(forContact?.data.patient).to.deep.equal({
      firstName: 'Anna',
      lastName: 'Beispiel',
      email: 'anna.beispiel@example.org',
    });
  });

  it('when the same event is delivered again, then nothing new is owed and the result says already recorded', async () => {
    const app = inMemoryWebhooks();
    await anEndpoint(app);
    const event = aBookingHeldEvent();
    await recordWebhookEvent(event, app.deps);

    expect(await recordWebhookEvent(event, app.deps)).to.equal('already-recorded');
    expect(app.deliveries.of(event.id)).to.have.length(1);
  });

  it('when an endpoint is added after an event was recorded, then a redelivery owes the event to the new endpoint only', async () => {
    const app = inMemoryWebhooks();
    const first = await anEndpoint(app);
    const event = aBookingHeldEvent();
    await recordWebhookEvent(event, app.deps);
    const second = await anEndpoint(app);

    expect(await recordWebhookEvent(event, app.deps)).to.equal('recorded');
    expect(app.deliveries.of(event.id).map((d) => d.endpointId)).to.deep.equal([first, second]);
  });

  it('when a freed slot is offered from the waiting list, then the delivery is ordered by the entry it was made to', async () => {
    const app = inMemoryWebhooks();
    await anEndpoint(app, { events: ['waitlist.offered'] });
    const event = aWaitlistOfferedEvent();

    expect(await recordWebhookEvent(event, app.deps)).to.equal('recorded');

    const [delivery] = app.deliveries.of(event.id);
    expect(delivery?.bookingId).to.equal(event.data.entry.entryId);
    expect(bodyOf(delivery?.payload ?? null).data).to.include({ offerId: event.data.offer.offerId });
  });
});
