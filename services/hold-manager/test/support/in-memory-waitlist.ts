import {
  type CommandRequest,
  type Envelope,
  type EventData,
  type EventType,
  type WaitlistEntryStatus,
  joinWaitlistRequestV1,
} from '@otk/contracts';
import { isOverdue } from '../../src/domain/booking-rules.js';
import { confirmWaitlistEntry } from '../../src/domain/waitlist/confirm-and-leave-waitlist.use-case.js';
import { joinWaitlist } from '../../src/domain/waitlist/join-waitlist.use-case.js';
import {
  type NewWaitlistEntry,
  type Offer,
  type WaitlistEntry,
  toEntrySnapshot,
} from '../../src/domain/waitlist/waitlist.js';
import type {
  ListFreeSlots,
  StoredWaitlistToken,
  WaitlistDeps,
  WaitlistRepository,
  WaitlistTransaction,
} from '../../src/domain/waitlist/waitlist-ports.js';
import { inMemoryHarness } from './in-memory-bookings.js';
import { aJoinRequest, testCatalogue } from './waitlist.js';

type StoredEntry = NewWaitlistEntry & {
  confirmedAt: Date | undefined;
  endedAt: Date | undefined;
  bookingId: string | undefined;
};

interface State {
  entries: Map<string, StoredEntry>;
  offers: Map<string, Offer>;
  tokens: Map<string, StoredWaitlistToken>;
  outbox: Envelope[];
}

/** The statuses with which an entry has left the list. */
const ended = new Set<WaitlistEntryStatus>(['booked', 'left', 'removed', 'expired']);
const onTheList = (e: StoredEntry) => e.status === 'pending' || e.status === 'waiting';

function toEntry(stored: StoredEntry): WaitlistEntry {
  const { contactKey: _c, clientKey: _k, confirmedAt: _a, endedAt: _e, bookingId: _b, ...entry } = stored;
  return entry;
}

/**
 * hold-manager's waiting list in memory, for unit tests of the use cases: the same rules as the
 * PostgreSQL repository — an entry that leaves the list takes its open offers with it, one entry
 * is offered one practitioner's start once — with transactions run one at a time and rolled back
 * on error. It counts the transactions, so tests can say what a refusal cost.
 */
export class InMemoryWaitlist implements WaitlistRepository {
  private state: State = { entries: new Map(), offers: new Map(), tokens: new Map(), outbox: [] };
  private queue: Promise<unknown> = Promise.resolve();
  readonly counts = { transactions: 0 };
  /** The next transaction fails with this error before it does anything, as on a lost connection. */
  failNextTransaction: Error | undefined;

  statusOf(entryId: string): WaitlistEntryStatus | undefined {
    return this.state.entries.get(entryId)?.status;
  }

  offersOf(entryId: string): Offer[] {
    return [...this.state.offers.values()].filter((o) => o.entryId === entryId);
  }

  /** The events recorded by committed transactions, of one type and optionally one entry. */
  events<T extends EventType>(type: T, entryId?: string): EventData<T>[] {
    return this.state.outbox
      .filter((e) => e.type === type)
      .map((e) => e.data as EventData<T>)
      .filter((d) => !entryId || (d as { entry?: { entryId: string } }).entry?.entryId === entryId);
  }

  /** The link tokens an entry got, from the notices (as notification would). */
  tokensOf(entryId: string): { confirm?: string; leave: string[]; offers: { offerId: string; token: string }[] } {
    const [joined] = this.events('notice.waitlistJoined', entryId);
    const confirmed = this.events('notice.waitlistConfirmed', entryId);
    const offered = this.events('notice.waitlistOffered', entryId);
    return {
      ...(joined ? { confirm: joined.confirmToken } : {}),
      leave: [...confirmed.map((d) => d.leaveToken), ...offered.map((d) => d.leaveToken)],
      offers: offered.map((d) => ({ offerId: d.offer.offerId, token: d.offerToken })),
    };
  }

  async findToken(hash: string) {
    return this.state.tokens.get(hash);
  }

  async findEntry(id: string) {
    const found = this.state.entries.get(id);
    return found && toEntry(found);
  }

  async findOffer(id: string) {
    return this.state.offers.get(id);
  }

  async waiting(now: Date, limit: number) {
    return this.inOrderOfJoining()
      .filter((e) => e.status === 'waiting' && e.endsAt.getTime() > now.getTime())
      .slice(0, limit)
      .map(toEntry);
  }

  async waitingFor(practitionerId: string, now: Date, limit: number) {
    return (await this.waiting(now, Number.MAX_SAFE_INTEGER))
      .filter((e) => e.practitionerId === undefined || e.practitionerId === practitionerId)
      .slice(0, limit);
  }

  async listForStaff(query: Parameters<WaitlistRepository['listForStaff']>[0]) {
    return {
      entries: this.inOrderOfJoining()
        .filter((e) => query.statuses.includes(e.status))
        .slice(0, query.limit)
        .map((e) => ({
          ...toEntrySnapshot(toEntry(e)),
          joinedAt: e.joinedAt.toISOString(),
          confirmedAt: e.confirmedAt?.toISOString() ?? null,
          endedAt: e.endedAt?.toISOString() ?? null,
          bookingId: e.bookingId ?? null,
          offers: this.offersOf(e.id).length,
        })),
    };
  }

  inTransaction<T>(work: (tx: WaitlistTransaction) => Promise<T>): Promise<T> {
    const run = this.queue.then(async () => {
      this.counts.transactions++;
      const failure = this.failNextTransaction;
      this.failNextTransaction = undefined;
      if (failure) throw failure;
      // Rows are replaced, never changed in place, so copies of the collections are a snapshot.
      const { entries, offers, tokens, outbox } = this.state;
      const before = {
        entries: new Map(entries),
        offers: new Map(offers),
        tokens: new Map(tokens),
        outbox: [...outbox],
      };
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

  private inOrderOfJoining(): StoredEntry[] {
    return [...this.state.entries.values()].sort(
      (a, b) => a.joinedAt.getTime() - b.joinedAt.getTime() || a.id.localeCompare(b.id),
    );
  }

  private transaction(): WaitlistTransaction {
    const state = () => this.state;
    const updateEntry = (id: string, change: Partial<StoredEntry>) => {
      const found = state().entries.get(id);
      if (found) state().entries.set(id, { ...found, ...change });
    };
    const updateOffer = (id: string, change: Partial<Offer>) => {
      const found = state().offers.get(id);
      if (found) state().offers.set(id, { ...found, ...change });
    };
    const openOffersGone = (entryId: string) => {
      for (const offer of this.offersOf(entryId))
        if (offer.status === 'open') updateOffer(offer.id, { status: 'gone' });
    };
    return {
      lockLimits: async () => undefined,
      countOpen: async (by, now) => {
        // A place counts while the entry waits within its range, or is pending within its window too.
        const open = [...state().entries.values()].filter(
          (e) => onTheList(e) && !isOverdue(e.endsAt, now) && (e.status === 'waiting' || !isOverdue(e.confirmBy, now)),
        );
        return {
          contact: open.filter((e) => e.contactKey === by.contactKey).length,
          client: by.clientKey ? open.filter((e) => e.clientKey === by.clientKey).length : 0,
        };
      },
      insertEntry: async (entry) => {
        state().entries.set(entry.id, { ...entry, confirmedAt: undefined, endedAt: undefined, bookingId: undefined });
      },
      insertToken: async ({ hash, ...token }) => {
        state().tokens.set(hash, token);
      },
      lockEntry: (id) => this.findEntry(id),
      setStatus: async (id, status, now) => {
        updateEntry(id, {
          status,
          ...(status === 'waiting' ? { confirmedAt: now } : {}),
          ...(ended.has(status) ? { endedAt: now } : {}),
        });
        if (ended.has(status)) openOffersGone(id);
      },
      insertOffer: async (offer) => {
        const offeredBefore = this.offersOf(offer.entryId).some(
          (o) => o.practitionerId === offer.practitionerId && o.start.getTime() === offer.start.getTime(),
        );
        if (offeredBefore) return 'exists';
        state().offers.set(offer.id, { ...offer, status: 'open', bookingId: undefined });
        return 'inserted';
      },
      markOfferGone: async (offerId) => {
        if (state().offers.get(offerId)?.status === 'open') updateOffer(offerId, { status: 'gone' });
      },
      markBooked: async (entryId, offerId, bookingId, now) => {
        updateOffer(offerId, { status: 'accepted', bookingId });
        const entry = state().entries.get(entryId);
        if (entry && onTheList(entry)) updateEntry(entryId, { status: 'booked', bookingId, endedAt: now });
        openOffersGone(entryId);
      },
      expireEnded: async (now) => {
        const due = [...state().entries.values()].filter(
          (e) =>
            (e.status === 'waiting' && isOverdue(e.endsAt, now)) ||
            (e.status === 'pending' && (isOverdue(e.confirmBy, now) || isOverdue(e.endsAt, now))),
        );
        for (const e of due) {
          updateEntry(e.id, { status: 'expired', endedAt: now });
          openOffersGone(e.id);
        }
        return due.length;
      },
      record: async (event) => {
        state().outbox.push(event);
      },
    };
  }
}

/**
 * The waiting list's dependencies without a database or broker: the booking harness (bookings in
 * memory, the test practice's slot check, the clock), the list in memory, the test practice's
 * catalogue, and as free slots whatever the test puts in `freeSlots` (each query is kept).
 */
export function inMemoryWaitlistHarness() {
  const h = inMemoryHarness();
  const waitlist = new InMemoryWaitlist();
  const freeSlots: { start: string; practitionerId: string }[] = [];
  const freeSlotQueries: Parameters<ListFreeSlots>[0][] = [];
  const deps: WaitlistDeps = {
    ...h.deps,
    waitlist,
    readCatalogue: async () => ({ timeZone: 'Europe/Zurich', catalogue: testCatalogue }),
    listFreeSlots: async (query) => {
      freeSlotQueries.push(query);
      return { timeZone: 'Europe/Zurich', slots: [...freeSlots] };
    },
    limits: { maxEntriesPerContact: 3, maxEntriesPerClient: 20, offersPerSlot: 3 },
  };
  return { ...h, waitlist, deps, freeSlots, freeSlotQueries };
}

export type WaitlistHarness = ReturnType<typeof inMemoryWaitlistHarness>;

/** A patient joins a second after the previous one (the order of joining is the clock's); the confirm link comes back. */
export async function joined(
  h: WaitlistHarness,
  overrides: Partial<CommandRequest<'waitlist.join'>> = {},
): Promise<{ entryId: string; confirmToken: string }> {
  h.clock.advance(1000);
  const { entryId } = await joinWaitlist(h.deps, joinWaitlistRequestV1.parse(aJoinRequest(overrides)));
  const { confirm } = h.waitlist.tokensOf(entryId);
  if (!confirm) throw new Error(`no notice.waitlistJoined for ${entryId}`);
  return { entryId, confirmToken: confirm };
}

/** A patient on the list: joined and confirmed through the link; the link to leave comes back. */
export async function waiting(
  h: WaitlistHarness,
  overrides: Partial<CommandRequest<'waitlist.join'>> = {},
): Promise<{ entryId: string; leaveToken: string }> {
  const { entryId, confirmToken } = await joined(h, overrides);
  await confirmWaitlistEntry(h.deps, confirmToken);
  const [leaveToken] = h.waitlist.tokensOf(entryId).leave;
  if (!leaveToken) throw new Error(`no notice.waitlistConfirmed for ${entryId}`);
  return { entryId, leaveToken };
}
