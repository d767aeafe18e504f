import { placeHoldRequestV1, updateBookingRulesRequestV1 } from '@otk/contracts';
import { expect } from 'chai';
import { inMemoryHarness } from '../../test/support/in-memory-bookings.js';
import { aPlaceHoldRequest } from '../../test/support/practice.js';
import { changeBookingRules, getBookingRules } from './booking-settings.use-case.js';
import { placeHold } from './place-hold.use-case.js';

describe("the practice's booking rules (console)", () => {
  let h: ReturnType<typeof inMemoryHarness>;
  beforeEach(() => {
    h = inMemoryHarness();
  });
  const change = (request: object) =>
    changeBookingRules(h.bookings.rulesStore(), updateBookingRulesRequestV1.parse(request));

  it('when staff read the rules, then the confirmation window is in minutes and the cancellation deadline in hours', async () => {
    h.bookings.set({ confirmationWindowSeconds: 1800, cancellationDeadlineSeconds: 172_800 });
    expect(await getBookingRules(h.bookings.rulesStore())).to.deep.equal({
      confirmationWindowMinutes: 30,
      cancellationDeadlineHours: 48,
    });
  });

  it('when staff change the confirmation window, then the deadline stays and the next hold gets the new window', async () => {
    expect(await change({ confirmationWindowMinutes: 20 })).to.deep.equal({
      confirmationWindowMinutes: 20,
      cancellationDeadlineHours: 24,
    });
    expect(await h.bookings.settings()).to.include({
      confirmationWindowSeconds: 1200,
      cancellationDeadlineSeconds: 86_400,
    });
    const hold = await placeHold(h.deps, placeHoldRequestV1.parse(aPlaceHoldRequest()));
    expect(hold.expiresAt).to.equal(new Date(h.clock.now.getTime() + 1_200_000).toISOString());
  });

  it('when staff change the cancellation deadline, then the window stays', async () => {
    expect(await change({ cancellationDeadlineHours: 48 })).to.deep.equal({
      confirmationWindowMinutes: 15,
      cancellationDeadlineHours: 48,
    });
    expect(await h.bookings.settings()).to.include({
      confirmationWindowSeconds: 900,
      cancellationDeadlineSeconds: 172_800,
    });
  });

  it('when a change names no rule, then nothing is written and the rules come back as they are', async () => {
    expect(await change({})).to.deep.equal({ confirmationWindowMinutes: 15, cancellationDeadlineHours: 24 });
    expect(h.bookings.counts.settingsUpdates).to.equal(0);
  });
});
