import type { CommandRequest } from '@otk/contracts';
import type { Logger } from 'pino';
import type pg from 'pg';
import type { Slot } from '../data-access/booking.repository.js';

/** Availability's answer to "is this a slot the practice offers?" (availability.checkSlot). */
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
  /** The practice's zone, for the local dates to search; UTC dates when not known yet (a day early at most). */
  timeZone?: string;
}) => Promise<Alternative[]>;

/** Sends a hold's expiry message so that it arrives when the hold's deadline has passed. */
export type ScheduleExpiry = (hold: { bookingId: string; expiresAt: Date }, delayMs: number) => Promise<void>;

/** What the use cases work with; `now` is the one clock every deadline is compared against. */
export interface HoldManagerDeps {
  pool: pg.Pool;
  logger: Logger;
  checkSlot: CheckSlot;
  findAlternatives: FindAlternatives;
  scheduleExpiry: ScheduleExpiry;
  now: () => Date;
}
