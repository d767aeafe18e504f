import type { BookingSnapshot, Channel, CommandReply } from '@otk/contracts';
import type { PlannedReminder } from './reminder-plan.js';

/** A reminder whose time has come, as the sender takes it from the queue. */
export interface DueReminder {
  id: string;
  bookingId: string;
  hoursBefore: number;
  channel: Channel;
  startsAt: Date;
  dueAt: Date;
  attempts: number;
  booking: BookingSnapshot;
}

/** Why a reminder was not sent: a closed set, used as a metric label. */
export type ReminderSkip =
  | 'appointment-began'
  | 'not-configured'
  | 'no-contact'
  | 'opted-out'
  | 'not-confirmed'
  | 'moved'
  | 'refused'
  | 'given-up';

/** What became of one turn of a due reminder. */
export type ReminderOutcome =
  | { status: 'sent'; channel: Channel | undefined }
  | { status: 'skipped'; reason: ReminderSkip }
  | { status: 'retry'; error: string; at: Date };

/** The reminders table: the sender's work queue, and the booking state that feeds it (ADR 35). */
export interface ReminderStore {
  /**
   * Replaces a booking's pending reminders with `planned`, unless a newer event of the booking was
   * applied already or it was cancelled ('outdated': nothing changes).
   */
  schedule(booking: BookingSnapshot, eventAt: Date, planned: PlannedReminder[]): Promise<'scheduled' | 'outdated'>;
  /** Drops a booking's pending reminders for good: no later-arriving older event brings them back. */
  cancel(bookingId: string, eventAt: Date, startsAt: Date): Promise<void>;
  /**
   * Takes the next reminder due at `now` and holds it (row lock, SKIP LOCKED: other workers take
   * others) while `work` handles it, then records the outcome. Resolves false when none is due.
   */
  withNextDue(now: Date, work: (reminder: DueReminder) => Promise<ReminderOutcome>): Promise<boolean>;
  isOptedOut(contactKeys: string[]): Promise<boolean>;
  addOptOutLink(tokenHash: string, contactKeys: string[], expiresAt: Date): Promise<void>;
  /** Records the opt-out of the contacts behind an unexpired link; false for an unknown or expired one. */
  optOut(tokenHash: string, now: Date): Promise<boolean>;
}

/** Fresh manage links from hold-manager, which alone issues them (ADR 36). */
export interface ManageLinks {
  issue(bookingId: string): Promise<CommandReply<'booking.issueManageToken'>>;
}
