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

  it('when a path joins the waiting list or follows one of its links, then it falls in holds or bookingSteps', () => {
    expect(routeFamilyOf('/waitlist')).to.equal('holds');
    expect(routeFamilyOf('/waitlist/confirm')).to.equal('bookingSteps');
    expect(routeFamilyOf('/waitlist/offer/accept')).to.equal('bookingSteps');
    expect(routeFamilyOf('/waitlistx')).to.equal('reads');
  });
});
