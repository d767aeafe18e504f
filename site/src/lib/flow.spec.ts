import { expect } from 'chai';
import { type FlowState, initialState, reduce, restoreState, viewFor } from './flow.js';
import { stepAfter, stepBefore, stepsFor } from './steps.js';

const slot = { start: '2026-12-02T09:30:00+01:00', end: '2026-12-02T10:00:00+01:00', practitionerId: 'dr-muster' };
const later = { start: '2026-12-03T10:00:00+01:00', end: '2026-12-03T10:30:00+01:00', practitionerId: 'dr-keller' };

/** A patient who answered every step up to the summary. */
function answeredAll(): FlowState {
  return [
    { type: 'answered', step: 'visitKind', value: 'first' },
    { type: 'answered', step: 'group', value: 'prevention' },
    { type: 'answered', step: 'type', value: 'checkup' },
    { type: 'answered', step: 'practitioner', value: 'any' },
    { type: 'answered', step: 'datetime', value: slot },
    { type: 'entryChanged', field: 'firstName', value: 'Anna' },
    { type: 'answered', step: 'patient', value: true },
  ].reduce((state, event) => reduce(state, event as Parameters<typeof reduce>[1]), initialState());
}

describe('site booking flow state', () => {
  const allSteps = stepsFor({ steps: { visitKind: true, appointmentGroup: true } });

  it('when every step is answered, then the summary can be shown and nothing was lost on the way', () => {
    const state = answeredAll();
    expect(viewFor('summary', allSteps, state)).to.equal('summary');
    expect(state.answers).to.deep.equal({
      visitKind: 'first',
      group: 'prevention',
      type: 'checkup',
      practitioner: 'any',
      datetime: slot,
      patient: true,
    });
    expect(state.entries.firstName).to.equal('Anna');
  });

  it('when an earlier answer changes, then the answers that depended on it are void, the patient entries stay', () => {
    const state = reduce(answeredAll(), { type: 'answered', step: 'type', value: 'cleaning' });
    expect(state.answers).to.deep.equal({ visitKind: 'first', group: 'prevention', type: 'cleaning', patient: true });
    expect(state.entries.firstName).to.equal('Anna');
    expect(viewFor('summary', allSteps, state)).to.equal('practitioner');
  });

  it('when the same answer is given again, then the later answers stay', () => {
    const state = reduce(answeredAll(), { type: 'answered', step: 'visitKind', value: 'first' });
    expect(state.answers.datetime).to.deep.equal(slot);
  });

  it('when the chosen slot was taken and an alternative is picked, then the alternatives go and the rest stays', () => {
    const taken = reduce(answeredAll(), { type: 'slotTaken', alternatives: Array.from({ length: 9 }, () => later) });
    expect(taken.alternatives).to.have.length(6);
    const picked = reduce(taken, { type: 'answered', step: 'datetime', value: later });
    expect(picked.alternatives).to.equal(undefined);
    expect(picked.answers.datetime).to.deep.equal(later);
    expect(viewFor('summary', allSteps, picked)).to.equal('summary');
  });

  it('when the API refuses an entry, then the patient step opens again with the field criticised until edited', () => {
    const refused = reduce(answeredAll(), { type: 'refused', fields: ['email'] });
    expect(viewFor('summary', allSteps, refused)).to.equal('patient');
    expect(refused.refused).to.deep.equal(['email']);
    const edited = reduce(refused, { type: 'entryChanged', field: 'email', value: 'anna@example.ch' });
    expect(edited.refused).to.deep.equal([]);
  });

  it('when a request is sent again with the same body, then it keeps its idempotency key; a new body gets a new one', () => {
    const first = reduce(answeredAll(), { type: 'requestPrepared', body: '{"a":1}', key: 'k1' });
    expect(reduce(first, { type: 'requestPrepared', body: '{"a":1}', key: 'k2' }).request?.key).to.equal('k1');
    expect(reduce(first, { type: 'requestPrepared', body: '{"a":2}', key: 'k3' }).request?.key).to.equal('k3');
  });

  it('when the hold is placed, then names and contact leave the state and only the sent view is reachable beyond the start', () => {
    const hold = {
      bookingId: 'b1',
      expiresAt: '2026-12-01T10:15:00Z',
      slot,
      contact: 'a@example.ch',
      channel: 'email',
    };
    const held = reduce(answeredAll(), { type: 'held', hold: hold as FlowState['hold'] & object });
    expect(held.entries.firstName).to.equal('');
    expect(held.answers).to.deep.equal({});
    expect(viewFor('sent', allSteps, held)).to.equal('sent');
    expect(viewFor('sent', allSteps, reduce(held, { type: 'restarted' }))).to.equal('visitKind');
  });

  it('when type and practitioner are chosen, then the waiting list can be shown; before, the flow starts over', () => {
    const chosen = [
      { type: 'answered', step: 'visitKind', value: 'first' },
      { type: 'answered', step: 'group', value: 'prevention' },
      { type: 'answered', step: 'type', value: 'checkup' },
      { type: 'answered', step: 'practitioner', value: 'dr-muster' },
    ].reduce((state, event) => reduce(state, event as Parameters<typeof reduce>[1]), initialState());
    expect(viewFor('waitlist', allSteps, chosen)).to.equal('waitlist');
    expect(viewFor('waitlist', allSteps, initialState())).to.equal('visitKind');
    expect(viewFor('waitlistSent', allSteps, chosen)).to.equal('visitKind');
  });

  it('when the waiting list is joined, then names and contact leave the state and only its sent view stays reachable', () => {
    const waitlist = {
      entryId: 'e1',
      confirmBy: '2026-12-01T09:15:00Z',
      contact: 'anna@example.ch',
      channel: 'email' as const,
      firstDay: '2026-12-01',
      lastDay: '2026-12-20',
    };
    const state = reduce(answeredAll(), { type: 'waitlistJoined', waitlist });
    expect(state.entries.firstName).to.equal('');
    expect(state.answers).to.deep.equal({});
    expect(state.waitlist).to.deep.equal(waitlist);
    expect(viewFor('waitlistSent', allSteps, state)).to.equal('waitlistSent');
    expect(viewFor('summary', allSteps, state)).to.equal('visitKind');
  });

  it('when the practice switches optional steps off, then they are skipped going forward and back', () => {
    const steps = stepsFor({ steps: { visitKind: false, appointmentGroup: false } });
    expect(steps).to.deep.equal(['type', 'practitioner', 'datetime', 'patient', 'summary']);
    expect(stepBefore('type', steps)).to.equal('type');
    expect(stepAfter('type', steps)).to.equal('practitioner');
    expect(stepAfter('visitKind', allSteps)).to.equal('group');
    const state = reduce(initialState(), { type: 'answered', step: 'type', value: 'checkup' });
    expect(viewFor('datetime', steps, state)).to.equal('practitioner');
    expect(viewFor('nonsense', steps, state)).to.equal('type');
  });

  it('when the saved state is missing, unreadable or from an older version, then the flow starts afresh', () => {
    expect(restoreState(null)).to.deep.equal(initialState());
    expect(restoreState('{not json')).to.deep.equal(initialState());
    expect(restoreState(JSON.stringify({ typeId: 'checkup', entries: {} }))).to.deep.equal(initialState());
    const saved = JSON.stringify(answeredAll());
    expect(restoreState(saved)).to.deep.equal(JSON.parse(saved));
  });
});
