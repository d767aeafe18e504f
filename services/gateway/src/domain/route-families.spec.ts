import { expect } from 'chai';
import { routeFamilyOf } from './route-families.js';

describe('route families of the rate limits', () => {
  it('when a path is a hold, a booking step or anything else, then it falls in holds, bookingSteps or reads', () => {
    expect(routeFamilyOf('/holds')).to.equal('holds');
    expect(routeFamilyOf('/bookings/confirm')).to.equal('bookingSteps');
    expect(routeFamilyOf('/bookings/manage')).to.equal('bookingSteps');
    expect(routeFamilyOf('/reminders/opt-out')).to.equal('bookingSteps');
    expect(routeFamilyOf('/availability')).to.equal('reads');
    expect(routeFamilyOf('/holdsx')).to.equal('reads');
    expect(routeFamilyOf('/no-such-route')).to.equal('reads');
  });
});
