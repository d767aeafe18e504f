import { expect } from 'chai';
import { type BusyEntry, BusyIndex } from './busy-index.js';

const hour = 3600_000;
const entry = (key: string, overrides: Partial<BusyEntry> = {}): BusyEntry => ({
  key,
  status: 'confirmed',
  interval: { from: 10 * hour, until: 11 * hour },
  occupants: [
    { kind: 'practitioner', id: 'dr-a' },
    { kind: 'resource', id: 'room-1' },
  ],
  expiresAt: null,
  ...overrides,
});

describe('busy index', () => {
  const range = { from: 0, until: 24 * hour };

  it('when a booking occupies a room, then it blocks every practitioner linked to that room', () => {
    const index = new BusyIndex();
    index.put('booking:1', entry('booking:1'));
    expect(
      index.busyFor(
        [
          { kind: 'practitioner', id: 'dr-b' },
          { kind: 'resource', id: 'room-1' },
        ],
        range,
        0,
      ),
    ).to.have.length(1);
    expect(index.busyFor([{ kind: 'practitioner', id: 'dr-b' }], range, 0)).to.have.length(0);
  });

  it('when a hold has passed its deadline, then it no longer blocks, before any expiry event', () => {
    const index = new BusyIndex();
    index.put('booking:1', entry('booking:1', { status: 'held', expiresAt: 5 * hour }));
    const who = [{ kind: 'practitioner' as const, id: 'dr-a' }];
    expect(index.busyFor(who, range, 5 * hour - 1)).to.have.length(1);
    expect(index.busyFor(who, range, 5 * hour)).to.have.length(0);
    expect(index.nextExpiry(0)).to.equal(5 * hour);
  });

  it('when only the practice calendar counts, then staff-made entries block and OTK bookings do not', () => {
    const index = new BusyIndex();
    const who = [{ kind: 'practitioner' as const, id: 'dr-a' }];
    index.put('booking:1', entry('booking:1'));
    expect(index.busyFor(who, range, 0, 'practice-calendar')).to.have.length(0);
    index.put(
      'practice-system:7',
      entry('practice-system:7', { status: 'busy', interval: { from: 12 * hour, until: 13 * hour } }),
    );
    expect(index.busyFor(who, range, 0, 'practice-calendar')).to.deep.equal([{ from: 12 * hour, until: 13 * hour }]);
    expect(index.busyFor(who, range, 0)).to.have.length(2);
  });

  it('when a booking has ended, then it does not block; every change moves the version on', () => {
    const index = new BusyIndex();
    const who = [{ kind: 'practitioner' as const, id: 'dr-a' }];
    index.put('booking:1', entry('booking:1'));
    const version = index.version;
    expect(index.busyFor(who, range, 0)).to.have.length(1);
    index.put('booking:1', undefined);
    expect(index.busyFor(who, range, 0)).to.have.length(0);
    expect(index.version).to.be.greaterThan(version);
  });
});
