import type { OccupancyNotice, Occupant } from '@otk/contracts';
import type { Interval } from './slots.js';

/** One busy time: a booking (held or confirmed) or an entry of the practice calendar. */
export interface BusyEntry {
  /** `<source>:<id>`, e.g. `booking:6f1c…` or `practice-system:4711`. */
  key: string;
  status: 'held' | 'confirmed' | 'busy';
  interval: Interval;
  occupants: readonly Occupant[];
  /** A held booking stops blocking here, whether or not its expiry event has arrived (D3). */
  expiresAt: number | null;
}

/**
 * Which busy times count: all of them (what patients are shown: a held slot is not listed), or the
 * practice calendar's staff-made entries alone (whether a slot is offered at all; whether OTK's own
 * bookings take it, hold-manager decides).
 */
export type BusySources = 'all' | 'practice-calendar';
export const occupantKey = (o: Occupant): string => `${o.kind}:${o.id}`;

/** Statuses that block; the others (expired, withdrawn, cancelled, removed) free the time. */
export function isBlockingStatus(status: string): status is BusyEntry['status'] {
  return status === 'held' || status === 'confirmed' || status === 'busy';
}

/**
 * How long a noticed booking blocks at most without its event: long enough for any outbox relay
 * and consumer that is merely slow, short enough that a notice whose booking ended meanwhile
 * (its release event came first) hides a free time only briefly.
 */
export const NOTICE_LIFE_MS = 60_000;

/**
 * The busy entry an occupancy notice stands for, until its event has been applied: it blocks like
 * a hold whose deadline is the booking's own deadline or the notice's life, whichever comes first.
 */
export function noticedEntry(notice: OccupancyNotice, receivedAt: number): BusyEntry {
  const lapsesAt = receivedAt + NOTICE_LIFE_MS;
  const expiresAt = notice.expiresAt === null ? lapsesAt : Math.min(Date.parse(notice.expiresAt), lapsesAt);
  return {
    key: `booking:${notice.bookingId}`,
    status: 'held',
    interval: { from: Date.parse(notice.occupiedFrom), until: Date.parse(notice.occupiedUntil) },
    occupants: notice.occupants,
    expiresAt,
  };
}

/**
 * The busy times of every replica, in memory: loaded from the `busy_times` table and kept up to
 * date by its change notifications. `version` grows with each change, so cached answers can tell
 * whether they are still current.
 *
 * Occupancy notices (ADR 13) add entries ahead of their events: a noticed entry stands in for its
 * key until the key is next written from the table (its event has been applied, or a later one),
 * or until it lapses.
 */
export class BusyIndex {
  private readonly entries = new Map<string, BusyEntry>();
  private readonly noticed = new Map<string, BusyEntry>();
  /** Entries per occupant (`practitioner:dr-muster`), rebuilt on the first read after a change. */
  private byOccupant: Map<string, BusyEntry[]> | undefined;
  private changes = 0;

  get version(): number {
    return this.changes;
  }

  /** Replaces the entries from the table; a noticed entry whose key is among them is superseded. */
  replaceAll(entries: Iterable<BusyEntry>): void {
    this.entries.clear();
    for (const entry of entries) this.store(entry);
    for (const key of this.noticed.keys()) if (this.entries.has(key)) this.noticed.delete(key);
    this.changed();
  }

  /** Sets an entry, or removes it when `entry` is undefined or no longer blocking. */
  put(key: string, entry: BusyEntry | undefined): void {
    if (entry && isBlockingStatus(entry.status)) this.store(entry);
    else this.entries.delete(key);
    this.noticed.delete(key);
    this.changed();
  }

  /** A booking took this time, by a notice ahead of its event (see `noticedEntry`). */
  notice(entry: BusyEntry): void {
    this.noticed.set(entry.key, entry);
    this.changed();
  }

  /**
   * What blocks any of `occupants` during `range` at `now`: held entries past their deadline do not.
   * In ascending order of start.
   */
  busyFor(occupants: readonly Occupant[], range: Interval, now: number, sources: BusySources = 'all'): Interval[] {
    const index = (this.byOccupant ??= this.indexByOccupant());
    let found: Interval[] = [];
    // Only an entry of several occupants can be found under two of them.
    const shared = new Set<BusyEntry>();
    for (const key of new Set(occupants.map(occupantKey))) {
      const mine: Interval[] = [];
      for (const entry of index.get(key) ?? []) {
        if (entry.interval.from >= range.until) break;
        if (entry.interval.until <= range.from) continue;
        if (sources === 'practice-calendar' && entry.status !== 'busy') continue;
        if (!blocksAt(entry, now)) continue;
        if (entry.occupants.length > 1) {
          if (shared.has(entry)) continue;
          shared.add(entry);
        }
        mine.push(entry.interval);
      }
      found = found.length === 0 ? mine : mergeByStart(found, mine);
    }
    return found;
  }

  /** The next instant after `now` at which a held entry lapses, if any: answers computed now go stale then. */
  nextExpiry(now: number): number | undefined {
    let next: number | undefined;
    for (const entry of this.current()) {
      if (entry.status === 'held' && entry.expiresAt !== null && entry.expiresAt > now) {
        if (next === undefined || entry.expiresAt < next) next = entry.expiresAt;
      }
    }
    return next;
  }

  private changed(): void {
    this.changes++;
    this.byOccupant = undefined;
  }

  private store(entry: BusyEntry): void {
    this.entries.set(entry.key, entry);
  }

  /** Every entry that counts: a noticed one in place of the table's entry of its key. */
  private *current(): Iterable<BusyEntry> {
    for (const entry of this.entries.values()) if (!this.noticed.has(entry.key)) yield entry;
    yield* this.noticed.values();
  }

  /** Each occupant's entries in ascending order of start, so that a look-up can stop at the end of its range. */
  private indexByOccupant(): Map<string, BusyEntry[]> {
    const index = new Map<string, BusyEntry[]>();
    for (const entry of this.current()) {
      for (const key of new Set(entry.occupants.map(occupantKey))) {
        const list = index.get(key);
        if (list) list.push(entry);
        else index.set(key, [entry]);
      }
    }
    for (const list of index.values()) list.sort((a, b) => a.interval.from - b.interval.from);
    return index;
  }
}

/** Two lists in ascending order of start as one. */
function mergeByStart(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  if (b.length === 0) return a as Interval[];
  const out: Interval[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) out.push(a[i]!.from <= b[j]!.from ? a[i++]! : b[j++]!);
  while (i < a.length) out.push(a[i++]!);
  while (j < b.length) out.push(b[j++]!);
  return out;
}

function blocksAt(entry: BusyEntry, now: number): boolean {
  return entry.status !== 'held' || entry.expiresAt === null || entry.expiresAt > now;
}
