import type {
  BookingSnapshot,
  BookingStatus,
  BookingView,
  Channel,
  Language,
  LocalizedText,
  Occupant,
  Patient,
  VisitKind,
} from '@otk/contracts';
import { occupantKey } from './booking-rules.js';

/** What a slot occupies and how it is named, as availability's slot check reports it. */
export interface Slot {
  appointmentTypeId: string;
  appointmentTypeName: LocalizedText;
  practitionerId: string;
  practitionerName: string;
  timeZone: string;
  start: Date;
  end: Date;
  occupiedFrom: Date;
  occupiedUntil: Date;
  occupants: Occupant[];
}

/** The time a booking blocks, on every occupant: what the exclusion constraint compares. */
export type Occupation = Pick<Slot, 'occupants' | 'occupiedFrom' | 'occupiedUntil'>;

/** A booking in any state: the slot it has (or had) and what the patient gave. */
export interface Booking {
  id: string;
  status: BookingStatus;
  slot: Slot;
  visitKind: VisitKind | undefined;
  /** The hold's deadline (D3); kept after the hold ends, for the record. */
  expiresAt: Date;
  changeableUntil: Date;
  language: Language;
  channel: Channel;
  patient: Patient;
}

/** A hold about to be placed: the booking plus what only its creation records. */
export interface NewHold extends Omit<Booking, 'status'> {
  /** Normalised e-mail or phone of the chosen channel: counts open holds per contact (D4). */
  contactKey: string;
  /** SHA-256 of the client's address: counts open holds per client without keeping the address. */
  clientKey: string | undefined;
  consentAcceptedAt: Date;
  privacyPolicyVersion: string;
  idempotencyKey: string | undefined;
  /** SHA-256 of the request, so that a key reused for another request is recognised. */
  requestHash: string;
}

/** An earlier hold found by its Idempotency-Key. */
export interface IdempotentHold {
  id: string;
  requestHash: string | null;
  expiresAt: Date;
}

/** The booking as events carry it. */
export function toSnapshot(booking: Booking): BookingSnapshot {
  const { slot } = booking;
  return {
    bookingId: booking.id,
    status: booking.status,
    appointmentTypeId: slot.appointmentTypeId,
    appointmentTypeName: slot.appointmentTypeName,
    practitionerId: slot.practitionerId,
    practitionerName: slot.practitionerName,
    timeZone: slot.timeZone,
    ...(booking.visitKind ? { visitKind: booking.visitKind } : {}),
    start: slot.start.toISOString(),
    end: slot.end.toISOString(),
    occupiedFrom: slot.occupiedFrom.toISOString(),
    occupiedUntil: slot.occupiedUntil.toISOString(),
    occupants: slot.occupants,
    expiresAt: booking.status === 'held' ? booking.expiresAt.toISOString() : null,
    changeableUntil: booking.changeableUntil.toISOString(),
    language: booking.language,
    channel: booking.channel,
    patient: booking.patient,
  };
}

/** What the manage link shows (F9): the snapshot without the occupancy, and whether it may change. */
export function toView(booking: Booking, now: Date): BookingView {
  const { occupants: _o, occupiedFrom: _f, occupiedUntil: _u, ...snapshot } = toSnapshot(booking);
  return {
    ...snapshot,
    changeable: booking.status === 'confirmed' && now.getTime() < booking.changeableUntil.getTime(),
  };
}

/** Whether two occupations block each other: a shared occupant and overlapping half-open intervals. */
export function overlaps(a: Occupation, b: Occupation): boolean {
  const keys = new Set(a.occupants.map(occupantKey));
  return (
    b.occupants.some((o) => keys.has(occupantKey(o))) &&
    a.occupiedFrom.getTime() < b.occupiedUntil.getTime() &&
    b.occupiedFrom.getTime() < a.occupiedUntil.getTime()
  );
}
