import type { CatalogueView, CommandReply, CommandRequestParsed, Envelope, WaitlistEntryStatus } from '@otk/contracts';
import type { HoldManagerDeps } from '../ports.js';
import type { NewWaitlistEntry, Offer, WaitlistEntry, WaitlistLimits } from './waitlist.js';

export type WaitlistTokenPurpose = 'confirm' | 'leave' | 'offer';

/** A waiting-list link token as stored: only its hash, bound to one entry (and offer) and one purpose. */
export interface StoredWaitlistToken {
  entryId: string;
  offerId: string | undefined;
  purpose: WaitlistTokenPurpose;
  expiresAt: Date;
}

/** An offer about to be recorded. */
export type NewOffer = Omit<Offer, 'status' | 'bookingId'>;

export interface WaitlistReads {
  findToken(hash: string): Promise<StoredWaitlistToken | undefined>;
  findEntry(id: string): Promise<WaitlistEntry | undefined>;
  findOffer(id: string): Promise<Offer | undefined>;
  /** Every waiting entry whose range has not ended, oldest first. */
  waiting(now: Date, limit: number): Promise<WaitlistEntry[]>;
  /** Waiting entries whose range has not ended and whose practitioner is this one or any, oldest first. */
  waitingFor(practitionerId: string, now: Date, limit: number): Promise<WaitlistEntry[]>;
  /** The console's list, in order of joining. */
  listForStaff(query: CommandRequestParsed<'waitlist.list'>): Promise<CommandReply<'waitlist.list'>>;
}

export interface WaitlistTransaction {
  /** Serialises, until commit, the transactions that count places of these contact or client keys. */
  lockLimits(keys: string[]): Promise<void>;
  countOpen(
    by: { contactKey: string; clientKey: string | undefined },
    now: Date,
  ): Promise<{ contact: number; client: number }>;
  insertEntry(entry: NewWaitlistEntry): Promise<void>;
  insertToken(token: StoredWaitlistToken & { hash: string }): Promise<void>;
  /** Reads an entry and locks it until commit. */
  lockEntry(id: string): Promise<WaitlistEntry | undefined>;
  /** Sets an entry's status; one that leaves the list ends, and its open offers are gone. */
  setStatus(id: string, status: WaitlistEntryStatus, now: Date): Promise<void>;
  /** Records an offer; 'exists' when this entry was offered this practitioner and start before. */
  insertOffer(offer: NewOffer, now: Date): Promise<'inserted' | 'exists'>;
  markOfferGone(offerId: string): Promise<void>;
  /** The entry took this offer: it leaves the list as booked, its other open offers are gone. */
  markBooked(entryId: string, offerId: string, bookingId: string, now: Date): Promise<void>;
  /** Entries past their range, and pending ones past their confirmation window, become expired. */
  expireEnded(now: Date): Promise<number>;
  /** Records an event about one entry in the outbox of this transaction. */
  record(event: Envelope, entryId: string): Promise<void>;
}

/** hold-manager's waiting list in PostgreSQL. */
export interface WaitlistRepository extends WaitlistReads {
  inTransaction<T>(work: (tx: WaitlistTransaction) => Promise<T>): Promise<T>;
}

/** The practice's zone and online catalogue, from availability. */
export type ReadCatalogue = (visitKind: CommandRequestParsed<'waitlist.join'>['visitKind']) => Promise<{
  timeZone: string;
  catalogue: CatalogueView;
}>;

/** The free slots availability lists (its own rules, staff-made entries and OTK's bookings), earliest first. */
export type ListFreeSlots = (query: {
  appointmentTypeId: string;
  /** A practitioner's id, or 'any'. */
  practitionerId: string;
  /** Local days of the practice, both included. */
  from: string;
  to: string;
}) => Promise<{ timeZone: string; slots: { start: string; practitionerId: string }[] }>;

/** What the waiting list's use cases need: the booking deps (the normal hold path) and the list. */
export interface WaitlistDeps extends HoldManagerDeps {
  waitlist: WaitlistRepository;
  readCatalogue: ReadCatalogue;
  listFreeSlots: ListFreeSlots;
  limits: WaitlistLimits;
}
