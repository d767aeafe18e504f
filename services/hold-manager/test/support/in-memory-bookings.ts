import { type BookingStatus, type Envelope, type EventData, type EventType, placeHoldRequestV1 } from '@otk/contracts';
import { pino } from 'pino';
import { slotOf } from '../../src/data-access/availability.client.js';
import { type Booking, type NewHold, type Occupation, overlaps, toSnapshot } from '../../src/domain/booking.js';
import { type PracticeSettings, isOverdue, slotTaken } from '../../src/domain/booking-rules.js';
import type { BookingRepository, BookingTransaction, HoldManagerDeps, StoredToken } from '../../src/domain/ports.js';
import { confirmBooking } from '../../src/domain/confirm-booking.use-case.js';
import { placeHold } from '../../src/domain/place-hold.use-case.js';
import type { BookingRulesStore } from '../../src/domain/booking-settings.use-case.js';
import type { StaffBookingReads } from '../../src/domain/staff-bookings.use-case.js';
import { aPlaceHoldRequest, checkSlotOfTestPractice } from './practice.js';

/** A booking as stored, with the times of its steps (the console's history). */
type Stored = NewHold & { status: BookingStatus; createdAt: Date; confirmedAt?: Date; endedAt?: Date };

interface State {
  bookings: Map<string, Stored>;
  tokens: Map<string, StoredToken>;
  outbox: Envelope[];
  settings: PracticeSettings;
}

const blocking = (b: Stored) => b.status === 'held' || b.status === 'confirmed';
const toBooking = (b: Stored): Booking => ({
  id: b.id,
  status: b.status,
  slot: b.slot,
  visitKind: b.visitKind,
  expiresAt: b.expiresAt,
  changeableUntil: b.changeableUntil,
  language: b.language,
  channel: b.channel,
  patient: b.patient,
});

/**
 * hold-manager's bookings in memory, for unit tests of the use cases: the same rules as the
 * PostgreSQL repository — an active occupation (held or confirmed, overdue or not) excludes any
 * overlapping one — with transactions run one at a time and rolled back on error. It counts the
 * transactions and the "taken" reads, so tests can say what a refusal cost.
 */
export class InMemoryBookings implements BookingRepository {
  private state: State = {
    bookings: new Map(),
    tokens: new Map(),
    outbox: [],
    settings: {
      confirmationWindowSeconds: 900,
      cancellationDeadlineSeconds: 86400,
      maxOpenHoldsPerContact: 3,
      maxOpenHoldsPerClient: 20,
    },
  };
  private queue: Promise<unknown> = Promise.resolve();
  readonly counts = { transactions: 0, takenReads: 0, settingsUpdates: 0 };

  set(settings: Partial<PracticeSettings>): void {
    this.state.settings = { ...this.state.settings, ...settings };
  }

  /** The booking rules as the console reads and edits them. */
  rulesStore(): BookingRulesStore {
    return {
      read: () => this.settings(),
      update: async (change) => {
        this.counts.settingsUpdates++;
        this.set(change);
        return this.settings();
      },
    };
  }

  /**
   * The console's reads: bookings starting in [from, to), by start then id, a page after the
   * cursor (the start and id of the last one shown); one booking with the times of its steps.
   */
  staffReads(): StaffBookingReads {
    const viewOf = (b: Stored) => {
      const { occupants: _o, occupiedFrom: _f, occupiedUntil: _u, ...snapshot } = toSnapshot(toBooking(b));
      return {
        ...snapshot,
        createdAt: b.createdAt.toISOString(),
        confirmedAt: b.confirmedAt?.toISOString() ?? null,
        endedAt: b.endedAt?.toISOString() ?? null,
      };
    };
    const position = (b: Stored) => `${b.slot.start.toISOString()}|${b.id}`;
    return {
      list: async (query) => {
        const after = query.cursor && Buffer.from(query.cursor, 'base64url').toString();
        const found = [...this.state.bookings.values()]
          .filter((b) => b.slot.start >= new Date(query.from) && b.slot.start < new Date(query.to))
          .filter((b) => !query.statuses || query.statuses.includes(b.status))
          .filter((b) => !query.practitionerId || b.slot.practitionerId === query.practitionerId)
          .sort((a, b) => position(a).localeCompare(position(b)))
          .filter((b) => !after || position(b) > after);
        const page = found.slice(0, query.limit);
        const last = page.at(-1);
        return {
          bookings: page.map(viewOf),
          nextCursor: found.length > query.limit && last ? Buffer.from(position(last)).toString('base64url') : null,
        };
      },
      find: async (bookingId) => {
        const b = this.state.bookings.get(bookingId);
        if (!b) return undefined;
        const history = [{ at: b.createdAt.toISOString(), what: 'held' }];
        if (b.confirmedAt) history.push({ at: b.confirmedAt.toISOString(), what: 'confirmed' });
        if (b.endedAt) history.push({ at: b.endedAt.toISOString(), what: b.status });
        return { booking: viewOf(b), history };
      },
    };
  }

  statusOf(id: string): BookingStatus | undefined {
    return this.state.bookings.get(id)?.status;
  }

  /** The events recorded by committed transactions, of one type and optionally one booking. */
  events<T extends EventType>(type: T, bookingId?: string): EventData<T>[] {
    return this.state.outbox
      .filter((e) => e.type === type)
      .map((e) => e.data as EventData<T>)
      .filter((d) => !bookingId || (d as { booking?: { bookingId: string } }).booking?.bookingId === bookingId);
  }

  async settings(): Promise<PracticeSettings> {
    return this.state.settings;
  }

  async findByIdempotencyKey(key: string) {
    const found = [...this.state.bookings.values()].find((b) => b.idempotencyKey === key);
    return found && { id: found.id, requestHash: found.requestHash, expiresAt: found.expiresAt };
  }

  async findBooking(id: string) {
    const found = this.state.bookings.get(id);
    return found && toBooking(found);
  }

  async findToken(hash: string) {
    return this.state.tokens.get(hash);
  }

  async isTaken(occupation: Occupation, now: Date): Promise<boolean> {
    this.counts.takenReads++;
    return [...this.state.bookings.values()].some(
      (b) =>
        (b.status === 'confirmed' || (b.status === 'held' && !isOverdue(b.expiresAt, now))) &&
        overlaps(b.slot, occupation),
    );
  }

  async isPractitionerTakenAt(practitionerId: string, start: Date, now: Date): Promise<boolean> {
    this.counts.takenReads++;
    return [...this.state.bookings.values()].some(
      (b) =>
        (b.status === 'confirmed' || (b.status === 'held' && !isOverdue(b.expiresAt, now))) &&
        b.slot.occupants.some((o) => o.kind === 'practitioner' && o.id === practitionerId) &&
        b.slot.occupiedFrom.getTime() <= start.getTime() &&
        start.getTime() < b.slot.occupiedUntil.getTime(),
    );
  }

  async listActive(from: Date, now: Date): Promise<Booking[]> {
    return [...this.state.bookings.values()]
      .filter((b) => b.slot.occupiedUntil.getTime() > from.getTime())
      .filter((b) => b.status === 'confirmed' || (b.status === 'held' && !isOverdue(b.expiresAt, now)))
      .map(toBooking);
  }

  inTransaction<T>(work: (tx: BookingTransaction) => Promise<T>): Promise<T> {
    const run = this.queue.then(async () => {
      this.counts.transactions++;
      // Rows are replaced, never changed in place, so copies of the collections are a snapshot.
      const { bookings, tokens, outbox, settings } = this.state;
      const before = { bookings: new Map(bookings), tokens: new Map(tokens), outbox: [...outbox], settings };
      try {
        return await work(this.transaction());
      } catch (error) {
        this.state = before;
        throw error;
      }
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  private transaction(): BookingTransaction {
    const state = () => this.state;
    const update = (id: string, change: Partial<Stored>) => {
      const found = state().bookings.get(id);
      if (found) state().bookings.set(id, { ...found, ...change });
    };
    const assertFree = (occupation: Occupation, except?: string) => {
      for (const b of state().bookings.values()) {
        if (b.id !== except && blocking(b) && overlaps(b.slot, occupation)) throw slotTaken();
      }
    };
    return {
      settings: () => this.settings(),
      isTaken: (occupation, now) => this.isTaken(occupation, now),
      lockOccupation: async () => undefined,
      lockHoldLimits: async () => undefined,
      countOpenHolds: async (by, now) => {
        const open = [...state().bookings.values()].filter((b) => b.status === 'held' && !isOverdue(b.expiresAt, now));
        return {
          contact: open.filter((b) => b.contactKey === by.contactKey).length,
          client: by.clientKey ? open.filter((b) => b.clientKey === by.clientKey).length : 0,
        };
      },
      lockHeldOverlapping: async (occupation) =>
        [...state().bookings.values()]
          .filter((b) => b.status === 'held' && overlaps(b.slot, occupation))
          .map(toBooking),
      insertHold: async (hold, now) => {
        if (hold.idempotencyKey && (await this.findByIdempotencyKey(hold.idempotencyKey))) return 'duplicate';
        assertFree(hold.slot);
        state().bookings.set(hold.id, { ...hold, status: 'held', createdAt: now });
        return 'inserted';
      },
      insertToken: async ({ hash, ...token }) => {
        state().tokens.set(hash, token);
      },
      extendManageTokens: async (bookingId, expiresAt) => {
        for (const [hash, token] of state().tokens) {
          if (token.bookingId === bookingId && token.purpose === 'manage')
            state().tokens.set(hash, { ...token, expiresAt });
        }
      },
      lockBooking: (id) => this.findBooking(id),
      lockOverdueHolds: async (now, limit) =>
        [...state().bookings.values()]
          .filter((b) => b.status === 'held' && isOverdue(b.expiresAt, now))
          .sort((a, b) => a.expiresAt.getTime() - b.expiresAt.getTime())
          .slice(0, limit)
          .map(toBooking),
      markConfirmed: async (id, now) => update(id, { status: 'confirmed', confirmedAt: now }),
      endBooking: async (id, status, now) => update(id, { status, endedAt: now }),
      moveBooking: async (id, slot, changeableUntil) => {
        assertFree(slot, id);
        update(id, { slot, changeableUntil });
      },
      record: async (event, _bookingId) => {
        state().outbox.push(event);
      },
    };
  }
}

/** One silent logger for every harness: creating a pino logger costs more than a whole use case here. */
const silentLogger = pino({ level: 'silent' });

/**
 * The use cases' dependencies without a database or broker: bookings in memory, the test
 * practice's slot check, alternatives an hour apart, a clock the test moves, expiry messages only
 * recorded. `calls` counts what availability was asked.
 */
export function inMemoryHarness() {
  const bookings = new InMemoryBookings();
  const clock = {
    now: new Date('2026-06-01T08:00:00Z'),
    advance(ms: number) {
      clock.now = new Date(clock.now.getTime() + ms);
    },
  };
  const calls = { checkSlot: 0, findAlternatives: 0 };
  const scheduled: { bookingId: string; delayMs: number }[] = [];
  const deps: HoldManagerDeps = {
    bookings,
    logger: silentLogger,
    checkSlot: async (request) => {
      calls.checkSlot++;
      return slotOf(checkSlotOfTestPractice(request));
    },
    findAlternatives: async ({ practitionerId, after }) => {
      calls.findAlternatives++;
      return [1, 2, 3].map((hours) => ({
        start: new Date(after.getTime() + hours * 3600_000).toISOString(),
        end: new Date(after.getTime() + hours * 3600_000 + 1800_000).toISOString(),
        practitionerId,
      }));
    },
    scheduleExpiry: async (hold, delayMs) => {
      scheduled.push({ bookingId: hold.bookingId, delayMs });
    },
    now: () => clock.now,
  };
  return { bookings, deps, clock, calls, scheduled };
}

/** A hold placed through the use case, with the confirm token that went out with `booking.held`. */
export async function heldWithToken(
  h: ReturnType<typeof inMemoryHarness>,
  overrides: Parameters<typeof aPlaceHoldRequest>[0] = {},
): Promise<{ bookingId: string; confirmToken: string; start: string }> {
  const request = placeHoldRequestV1.parse(aPlaceHoldRequest(overrides));
  const { bookingId } = await placeHold(h.deps, request);
  const [held] = h.bookings.events('notice.bookingHeld', bookingId);
  if (!held) throw new Error(`no notice.bookingHeld for ${bookingId}`);
  return { bookingId, confirmToken: held.confirmToken, start: request.start };
}

/** A confirmed booking, with the manage token of its latest booking.confirmed or booking.changed. */
export async function confirmedWithToken(
  h: ReturnType<typeof inMemoryHarness>,
  overrides: Parameters<typeof aPlaceHoldRequest>[0] = {},
): Promise<{ bookingId: string; manageToken: string; start: string }> {
  const { bookingId, confirmToken, start } = await heldWithToken(h, overrides);
  await confirmBooking(h.deps, confirmToken);
  return { bookingId, manageToken: latestManageToken(h, bookingId), start };
}

export function latestManageToken(h: ReturnType<typeof inMemoryHarness>, bookingId: string): string {
  const tokens = [
    ...h.bookings.events('notice.bookingConfirmed', bookingId),
    ...h.bookings.events('notice.bookingChanged', bookingId),
  ].map((e) => e.manageToken);
  const last = tokens.at(-1);
  if (!last) throw new Error(`no manage token for ${bookingId}`);
  return last;
}
