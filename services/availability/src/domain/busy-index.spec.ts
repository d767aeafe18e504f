import { expect } from 'chai';
import type { OccupancyNotice } from '@otk/contracts';
import { type BusyEntry, BusyIndex, NOTICE_LIFE_MS, noticedEntry } from './busy-index.js';

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

  describe('occupancy notices', () => {
    const who = [{ kind: 'practitioner' as const, id: 'dr-a' }];
    const notice = (overrides: Partial<OccupancyNotice> = {}): OccupancyNotice => ({
      bookingId: '6f1c2d3e-4b5a-4c7d-8e9f-0a1b2c3d4e5f',
      status: 'held',
      practitionerId: 'dr-a',
      occupants: [{ kind: 'practitioner', id: 'dr-a' }],
      occupiedFrom: new Date(10 * hour).toISOString(),
      occupiedUntil: new Date(11 * hour).toISOString(),
      expiresAt: new Date(2 * hour).toISOString(),
      occurredAt: new Date(hour).toISOString(),
      ...overrides,
    });

    it('when a hold is noticed ahead of its event, then its time is busy at once and the version moves on', () => {
      const index = new BusyIndex();
      const before = index.version;
      index.notice(noticedEntry(notice(), hour));
      expect(index.version).to.be.above(before);
      expect(index.busyFor(who, range, hour)).to.deep.equal([{ from: 10 * hour, until: 11 * hour }]);
    });

    it("when the noticed booking's row is written, then the row counts and the notice is gone", () => {
      const index = new BusyIndex();
      const noticed = noticedEntry(notice(), hour);
      index.notice(noticed);
      // The booking ended before its notice was followed: its release is what the table says.
      index.put(noticed.key, undefined);
      expect(index.busyFor(who, range, hour)).to.have.length(0);
    });

    it('when a reload brings the noticed booking, then the row stands in its place; other notices stay', () => {
      const index = new BusyIndex();
      const first = noticedEntry(notice(), hour);
      const second = noticedEntry(
        notice({
          bookingId: '7a1c2d3e-4b5a-4c7d-8e9f-0a1b2c3d4e5f',
          occupiedFrom: new Date(12 * hour).toISOString(),
          occupiedUntil: new Date(13 * hour).toISOString(),
        }),
        hour,
      );
      index.notice(first);
      index.notice(second);
      index.replaceAll([entry(first.key, { interval: { from: 10 * hour, until: 10.5 * hour } })]);
      expect(index.busyFor(who, range, hour)).to.have.deep.members([
        { from: 10 * hour, until: 10.5 * hour },
        { from: 12 * hour, until: 13 * hour },
      ]);
    });

    it('when a notice is not followed by its event, then it lapses at the hold deadline or after its life, whichever is first', () => {
      const held = noticedEntry(notice({ expiresAt: new Date(hour + 30_000).toISOString() }), hour);
      expect(held.expiresAt).to.equal(hour + 30_000);
      expect(noticedEntry(notice(), hour).expiresAt).to.equal(hour + NOTICE_LIFE_MS);
      const confirmed = noticedEntry(notice({ status: 'confirmed', expiresAt: null }), hour);
      expect(confirmed.expiresAt).to.equal(hour + NOTICE_LIFE_MS);
      const index = new BusyIndex();
      index.notice(confirmed);
      expect(index.nextExpiry(hour)).to.equal(hour + NOTICE_LIFE_MS);
      expect(index.busyFor(who, range, hour + NOTICE_LIFE_MS)).to.have.length(0);
    });

    it('when only the practice calendar counts (is the slot offered?), then a noticed booking does not', () => {
      const index = new BusyIndex();
      index.notice(noticedEntry(notice(), hour));
      expect(index.busyFor(who, range, hour, 'practice-calendar')).to.have.length(0);
    });
  });
});
