import type { BookingStatus, CommandRequest, Envelope } from '@otk/contracts';
import type { Booking, IdempotentHold, NewHold, Occupation, Slot } from './booking.js';
import type { PracticeSettings } from './booking-rules.js';
import type { TokenPurpose } from './token.js';

/*
 * What the use cases need from the world, as they need it. The PostgreSQL adapters in
 * data-access/ implement these; the unit tests use in-memory ones.
 */

/** A link token as stored: only its hash, bound to one booking and one purpose. */
export interface StoredToken {
  bookingId: string;
  purpose: TokenPurpose;
  expiresAt: Date;
}

/** Reads that need no transaction: each answers from what is committed at that moment. */
export interface BookingReads {
  /** The practice's booking rules (A1, A3, D4), read on every use so that an edit applies at once. */
  settings(): Promise<PracticeSettings>;
  findByIdempotencyKey(key: string): Promise<IdempotentHold | undefined>;
  findBooking(id: string): Promise<Booking | undefined>;
  findToken(hash: string): Promise<StoredToken | undefined>;
  /**
   * Whether an active booking — confirmed, or held and not overdue at `now` — overlaps the
   * occupation on any occupant. One indexed read and no lock: a fast refusal only, since a
   * booking committed a moment later is not seen; the exclusion constraint stays the judge.
   */
  isTaken(occupation: Occupation, now: Date): Promise<boolean>;
  /**
   * Whether an active booking occupies the practitioner at the instant `start`. Any slot starting
   * then occupies its practitioner then, so yes means taken, whatever the type — known before
   * availability is asked. One indexed read and no lock, like `isTaken`.
   */
  isPractitionerTakenAt(practitionerId: string, start: Date, now: Date): Promise<boolean>;
  /** Every active booking (held and not overdue, or confirmed) that ends after `from`. */
  listActive(from: Date, now: Date): Promise<Booking[]>;
}

/**
 * One transaction: everything done through it commits together or not at all. Reads see what is
 * committed when they run.
 */
export interface BookingTransaction extends Pick<BookingReads, 'settings' | 'isTaken'> {
  /**
   * Serialises, until commit, the transactions that reserve overlapping time on an occupant, so
   * that they meet the winner's row one after another instead of deadlocking in the index.
   */
  lockOccupation(occupation: Occupation): Promise<void>;
  /** Serialises, until commit, the transactions that count the open holds of these contact or client keys. */
  lockHoldLimits(keys: string[]): Promise<void>;
  /** Open holds (held and not overdue at `now`) of one contact and of one client. */
  countOpenHolds(
    by: { contactKey: string; clientKey: string | undefined },
    now: Date,
  ): Promise<{ contact: number; client: number }>;
  /** Held bookings overlapping the occupation, locked until commit: an overdue one lapses here. */
  lockHeldOverlapping(occupation: Occupation): Promise<Booking[]>;
  /**
   * Records a new hold and its occupation. An overlap with an active booking is refused with
   * SLOT_TAKEN (the exclusion constraint); a concurrent twin with the same idempotency key already
   * recorded is 'duplicate', and nothing is recorded.
   */
  insertHold(hold: NewHold, now: Date): Promise<'inserted' | 'duplicate'>;
  insertToken(token: StoredToken & { hash: string }): Promise<void>;
  /** Extends the manage links of a booking that moved: they stay valid until its new start. */
  extendManageTokens(bookingId: string, expiresAt: Date): Promise<void>;
  /** Reads a booking and locks it until commit, so that two steps on it never interleave. */
  lockBooking(id: string): Promise<Booking | undefined>;
  /** Held bookings past their deadline, oldest first, locked; rows another transaction holds are skipped. */
  lockOverdueHolds(now: Date, limit: number): Promise<Booking[]>;
  markConfirmed(id: string, now: Date): Promise<void>;
  /** Sets a status that leaves the active states, and frees the booking's occupation. */
  endBooking(id: string, status: BookingStatus, now: Date): Promise<void>;
  /**
   * Moves a booking to another slot: its own occupation is freed first, so a new slot overlapping
   * the old one is fine, and one taken by anyone else is SLOT_TAKEN.
   */
  moveBooking(id: string, slot: Slot, changeableUntil: Date, now: Date): Promise<void>;
  /** Records an event about one booking in the outbox of this transaction, published after the commit. */
  record(event: Envelope, bookingId: string): Promise<void>;
}

/** hold-manager's bookings, tokens and settings: the single source of truth for "taken". */
export interface BookingRepository extends BookingReads {
  /**
   * Runs `work` in one transaction. One that the database aborted for a deadlock runs again; one
   * whose caller has given up (past the command's deadline) rolls back with TIMEOUT.
   */
  inTransaction<T>(work: (tx: BookingTransaction) => Promise<T>): Promise<T>;
}

/**
 * Availability's answer to "is this a slot the practice offers?" (availability.checkSlot): by the
 * practice's rules and the practice calendar's staff-made entries, not by OTK's own bookings.
 */
export type CheckSlot = (request: CommandRequest<'availability.checkSlot'>) => Promise<Slot>;

/** A free slot availability offers instead of a taken one. */
export interface Alternative {
  start: string;
  end: string;
  practitionerId: string;
}

/** The next free slots of this type and practitioner after `after`, for a SLOT_TAKEN answer. */
export type FindAlternatives = (query: {
  appointmentTypeId: string;
  practitionerId: string;
  after: Date;
  /** The practice's zone, for the local dates to search; UTC dates when not known (a day early at most). */
  timeZone?: string;
}) => Promise<Alternative[]>;

/** Sends a hold's expiry message so that it arrives when the hold's deadline has passed. */
export type ScheduleExpiry = (hold: { bookingId: string; expiresAt: Date }, delayMs: number) => Promise<void>;

/** What the use cases work with; `now` is the one clock every deadline is compared against. */
export interface HoldManagerDeps {
  bookings: BookingRepository;
  checkSlot: CheckSlot;
  findAlternatives: FindAlternatives;
  scheduleExpiry: ScheduleExpiry;
  logger: { warn(details: object, message: string): void };
  now: () => Date;
}
