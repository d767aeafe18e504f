import { expect } from 'chai';
import { reachableStep, stepsFor } from './steps.js';

describe('site flow steps', () => {
  it('when the practice switches the optional steps off, then the flow starts with the appointment type', () => {
    expect(stepsFor({ steps: { visitKind: false, appointmentGroup: false } })[0]).to.equal('type');
    expect(stepsFor({ steps: { visitKind: true, appointmentGroup: true } })).to.have.length(7);
  });

  it('when a later step is asked for before the earlier ones are answered, then the first open step is shown', () => {
    const steps = stepsFor({ steps: { visitKind: true, appointmentGroup: false } });
    expect(reachableStep('datetime', steps, { visitKind: 'first' })).to.equal('type');
    expect(reachableStep('datetime', steps, { visitKind: 'first', type: 'checkup', practitioner: 'any' })).to.equal(
      'datetime',
    );
    expect(reachableStep('summary', steps, {})).to.equal('visitKind');
  });
});
