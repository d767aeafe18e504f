import { randomUUID } from 'node:crypto';
import { AppError, type BookingStatus, type CommandReply, type Patient } from '@otk/contracts';

/**
 * A patient's right of access and erasure (ADR 73). Staff start from one booking; the patient's
 * other bookings are those with the same first and last name and the same birth date — the rule
 * the practice system matches contacts by (S1) — or, when the booking has no birth date, the same
 * name and the same e-mail or phone.
 */
export type PatientMatch =
  | { by: 'name-and-birth-date'; firstName: string; lastName: string; birthDate: string }
  | { by: 'name-and-contact'; firstName: string; lastName: string; contactKey: string };

export function patientMatchOf(patient: Patient, contactKey: string): PatientMatch {
  const name = { firstName: patient.firstName, lastName: patient.lastName };
  return patient.birthDate
    ? { by: 'name-and-birth-date', ...name, birthDate: patient.birthDate }
    : { by: 'name-and-contact', ...name, contactKey };
}

/** What erasure needs to know of each of the patient's bookings. */
export interface BookingState {
  id: string;
  status: BookingStatus;
  end: Date;
}

/**
 * Bookings that must not be erased: a hold (its expiry or confirmation still has to reach the
 * patient and the practice calendar) and a confirmed appointment still to come (staff cancel it
 * first, so the patient is told and the practice calendar follows).
 */
export function bookingsInTheWay(bookings: BookingState[], now: Date): string[] {
  return bookings
    .filter((b) => b.status === 'held' || (b.status === 'confirmed' && b.end.getTime() > now.getTime()))
    .map((b) => b.id);
}

export interface PatientOfBooking {
  patient: Patient;
  contactKey: string;
}

export type PatientExportReply = CommandReply<'hold.exportPatient'>;
export type ErasedCounts = CommandReply<'hold.erasePatient'>['erased'];

export interface PatientDataStore {
  findPatient(bookingId: string): Promise<PatientOfBooking | undefined>;
  exportBookings(match: PatientMatch): Promise<PatientExportReply['bookings']>;
  inTransaction<T>(work: (tx: PatientErasureTransaction) => Promise<T>): Promise<T>;
}

export interface PatientErasureTransaction {
  /** The patient of a booking, the booking locked until commit. */
  lockPatient(bookingId: string): Promise<PatientOfBooking | undefined>;
  /** Every booking of the patient, locked until commit. */
  lockBookingsOf(match: PatientMatch): Promise<BookingState[]>;
  /** The bookings of an earlier erasure that took this booking, if any. */
  earlierErasure(bookingId: string): Promise<string[] | undefined>;
  /** Those of the bookings with an event not yet published (it still carries the patient's data). */
  withUnpublishedEvents(bookingIds: string[]): Promise<string[]>;
  /** Deletes the bookings with their tokens and occupancy, clears their events' data, records the ids. */
  erase(bookingIds: string[], erasureId: string, now: Date): Promise<ErasedCounts>;
}

export async function exportPatient(store: PatientDataStore, bookingId: string): Promise<PatientExportReply> {
  const found = await store.findPatient(bookingId);
  if (!found) throw new AppError('NOT_FOUND', 'no booking with this id');
  const match = patientMatchOf(found.patient, found.contactKey);
  return { matchedBy: match.by, bookings: await store.exportBookings(match) };
}

/**
 * Erases what hold-manager keeps about the patient of a booking, in one transaction. Asked again
 * for a booking it erased, it names the bookings of that erasure and erases nothing more.
 */
export function erasePatient(
  store: PatientDataStore,
  bookingId: string,
  now: Date,
): Promise<CommandReply<'hold.erasePatient'>> {
  return store.inTransaction(async (tx) => {
    const found = await tx.lockPatient(bookingId);
    if (!found) {
      const earlier = await tx.earlierErasure(bookingId);
      if (!earlier) throw new AppError('NOT_FOUND', 'no booking with this id');
      return { bookingIds: earlier, alreadyErased: true, erased: { bookings: 0, linkTokens: 0, eventData: 0 } };
    }
    const bookings = await tx.lockBookingsOf(patientMatchOf(found.patient, found.contactKey));
    const inTheWay = bookingsInTheWay(bookings, now);
    if (inTheWay.length > 0) {
      throw new AppError('ERASURE_BLOCKED', 'a booking of the patient is held or still to come; cancel it first', {
        reason: 'active-bookings',
        bookingIds: inTheWay,
      });
    }
    const ids = bookings.map((b) => b.id);
    const unpublished = await tx.withUnpublishedEvents(ids);
    if (unpublished.length > 0) {
      throw new AppError('ERASURE_BLOCKED', 'an event of the patient is still on its way; try again shortly', {
        reason: 'events-pending',
        bookingIds: unpublished,
      });
    }
    const erased = await tx.erase(ids, randomUUID(), now);
    return { bookingIds: ids, alreadyErased: false, erased };
  });
}
