import { aBookingHeldNotice, waitFor } from '@otk/test-kit';
import { expect } from 'chai';
import {
  type NotificationHarness,
  aPatient,
  counterValue,
  startNotificationHarness,
} from './support/notification-harness.js';

describe('notification: what its event handlers did, on /metrics', function () {
  this.timeout(60000);
  let harness: NotificationHarness;

  before(async () => {
    harness = await startNotificationHarness();
    await harness.useSettings();
  });
  after(async () => {
    await harness?.stop();
  });

  const outcomes = async (labels: Record<string, string>) =>
    counterValue(await harness.metrics(), 'messaging_handler_outcomes_total', {
      queue: 'notification.events',
      event: 'notice.bookingHeld',
      ...labels,
    });

  it('when an event is delivered twice, then the first is counted done and the second skipped as duplicate, with one e-mail', async () => {
    const patient = aPatient();
    const event = aBookingHeldNotice({ patient });

    await harness.publish(event);
    await waitFor(async () => ((await outcomes({ outcome: 'done' })) >= 1 ? true : undefined), {
      what: 'the event counted done',
    });
    await harness.publish(event);

    await waitFor(
      async () => ((await outcomes({ outcome: 'skipped', reason: 'duplicate' })) === 1 ? true : undefined),
      { what: 'the redelivery counted as a skip' },
    );
    expect(harness.mailsTo(patient.email)).to.have.length(1);
  });

  it('when a booking has no contact to write to, then its event is counted skipped as no-recipient', async () => {
    await harness.publish(aBookingHeldNotice({ patient: { firstName: 'Anna', lastName: 'Beispiel' } }));

    await waitFor(
      async () => ((await outcomes({ outcome: 'skipped', reason: 'no-recipient' })) === 1 ? true : undefined),
      { what: 'the skip without a recipient' },
    );
  });
});
