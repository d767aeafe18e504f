import {
  AppError,
  type CatalogueView,
  type Channel,
  type LocalizedText,
  type Patient,
  type Language,
  type VisitKind,
  type WaitlistEntrySnapshot,
  type WaitlistEntryStatus,
  type WaitlistOffer,
} from '@otk/contracts';
import { DateTime } from 'luxon';

/** A place on the waiting list: what the patient waits for, and who they are. */
export interface WaitlistEntry {
  id: string;
  status: WaitlistEntryStatus;
  appointmentTypeId: string;
  appointmentTypeName: LocalizedText;
  /** Undefined: whoever offers the type. */
  practitionerId: string | undefined;
  practitionerName: string | undefined;
  visitKind: VisitKind | undefined;
  /** The practice's days the patient could come, both included (yyyy-MM-dd). */
  firstDay: string;
  lastDay: string;
  timeZone: string;
  /** The end of the last day in the practice's zone: the entry expires then. */
  endsAt: Date;
  /** A pending entry lapses unconfirmed then. */
  confirmBy: Date;
  language: Language;
  channel: Channel;
  patient: Patient;
  privacyPolicyVersion: string;
  joinedAt: Date;
}

/** A new entry plus what only its creation records. */
export interface NewWaitlistEntry extends WaitlistEntry {
  contactKey: string;
  clientKey: string | undefined;
}

/** A freed slot offered to one entry. */
export interface Offer {
  id: string;
  entryId: string;
  status: 'open' | 'accepted' | 'gone';
  appointmentTypeId: string;
  appointmentTypeName: LocalizedText;
  practitionerId: string;
  practitionerName: string;
  timeZone: string;
  start: Date;
  end: Date;
  bookingId: string | undefined;
}

/** The practice's limits on the list (D4 for waiting patients), from hold-manager's configuration. */
export interface WaitlistLimits {
  /** Places still on the list (pending or waiting) per e-mail address or phone number. */
  maxEntriesPerContact: number;
  /** Places still on the list per client address. */
  maxEntriesPerClient: number;
  /** How many waiting patients one freed slot is offered to at once, in order of joining. */
  offersPerSlot: number;
}

/** The longest range of days one entry may wait for: the same as one availability request. */
export const MAX_RANGE_DAYS = 62;

export function toEntrySnapshot(entry: WaitlistEntry): WaitlistEntrySnapshot {
  return {
    entryId: entry.id,
    status: entry.status,
    appointmentTypeId: entry.appointmentTypeId,
    appointmentTypeName: entry.appointmentTypeName,
    practitionerId: entry.practitionerId ?? null,
    practitionerName: entry.practitionerName ?? null,
    ...(entry.visitKind ? { visitKind: entry.visitKind } : {}),
    firstDay: entry.firstDay,
    lastDay: entry.lastDay,
    timeZone: entry.timeZone,
    language: entry.language,
    channel: entry.channel,
    patient: entry.patient,
  };
}

export function toOfferView(offer: Offer): WaitlistOffer {
  return {
    offerId: offer.id,
    appointmentTypeId: offer.appointmentTypeId,
    appointmentTypeName: offer.appointmentTypeName,
    practitionerId: offer.practitionerId,
    practitionerName: offer.practitionerName,
    timeZone: offer.timeZone,
    start: offer.start.toISOString(),
    end: offer.end.toISOString(),
  };
}

/** What the patient asks to wait for, checked against the catalogue: names for the messages. */
export function wantedOf(
  catalogue: CatalogueView,
  wanted: { appointmentTypeId: string; practitionerId?: string | undefined },
): { appointmentTypeName: LocalizedText; practitionerName: string | undefined } {
  const type = catalogue.appointmentTypes.find((t) => t.id === wanted.appointmentTypeId);
  if (!type) throw new AppError('APPOINTMENT_TYPE_UNKNOWN', 'no appointment type with this id is bookable online');
  if (wanted.practitionerId === undefined) return { appointmentTypeName: type.name, practitionerName: undefined };
  const practitioner = catalogue.practitioners.find((p) => p.id === wanted.practitionerId);
  if (!practitioner) throw new AppError('PRACTITIONER_UNKNOWN', 'no practitioner with this id');
  if (!type.practitionerIds.includes(practitioner.id)) {
    throw new AppError('PRACTITIONER_NOT_OFFERING_TYPE', 'this practitioner does not offer this appointment type');
  }
  return { appointmentTypeName: type.name, practitionerName: practitioner.displayName };
}

/**
 * The days an entry waits for: from today at the earliest (a range that began in the past waits
 * from today), at most MAX_RANGE_DAYS long, and not over yet. The end of the last day, in the
 * practice's zone, is when the entry expires.
 */
export function waitingRange(
  requested: { firstDay: string; lastDay: string },
  now: Date,
  timeZone: string,
): { firstDay: string; lastDay: string; endsAt: Date } {
  const today = localDate(now, timeZone);
  const first = DateTime.fromISO(requested.firstDay, { zone: timeZone });
  const last = DateTime.fromISO(requested.lastDay, { zone: timeZone });
  if (!first.isValid || !last.isValid) throw rangeInvalid('the days must be real dates (yyyy-MM-dd)');
  if (last < first) throw rangeInvalid('the last day must not be before the first');
  if (requested.lastDay < today) throw rangeInvalid('the range is over');
  if (last.diff(first, 'days').days + 1 > MAX_RANGE_DAYS) {
    throw rangeInvalid(`the range may cover at most ${MAX_RANGE_DAYS} days`);
  }
  const firstDay = requested.firstDay < today ? today : requested.firstDay;
  return { firstDay, lastDay: requested.lastDay, endsAt: last.plus({ days: 1 }).startOf('day').toJSDate() };
}

function rangeInvalid(message: string): AppError {
  return new AppError('DATE_RANGE_INVALID', message);
}

/** yyyy-MM-dd of an instant in the practice's zone. */
export function localDate(instant: Date, timeZone: string): string {
  return DateTime.fromJSDate(instant, { zone: timeZone }).toISODate() ?? '';
}

/** Refuses a new place beyond the limits per contact and per client address. */
export function assertBelowWaitlistLimits(
  open: { contact: number; client: number },
  limits: Pick<WaitlistLimits, 'maxEntriesPerContact' | 'maxEntriesPerClient'>,
): void {
  if (open.contact >= limits.maxEntriesPerContact) {
    throw new AppError('TOO_MANY_WAITLIST_ENTRIES', 'this contact is on the waiting list too often already', {
      limit: limits.maxEntriesPerContact,
      scope: 'contact',
    });
  }
  if (open.client >= limits.maxEntriesPerClient) {
    throw new AppError('TOO_MANY_WAITLIST_ENTRIES', 'too many places on the waiting list from this address', {
      limit: limits.maxEntriesPerClient,
      scope: 'client',
    });
  }
}

/** Time that became free: a released booking's practitioner and start, in the practice's zone. */
export interface FreedTime {
  practitionerId: string;
  start: Date;
  timeZone: string;
}

/** Whether an entry waits for this freed time: its practitioner (or any) and a day of its range. */
export function waitsFor(entry: WaitlistEntry, freed: FreedTime, now: Date): boolean {
  if (entry.status !== 'waiting' || entry.endsAt.getTime() <= now.getTime()) return false;
  if (entry.practitionerId !== undefined && entry.practitionerId !== freed.practitionerId) return false;
  const day = localDate(freed.start, entry.timeZone);
  return day >= entry.firstDay && day <= entry.lastDay;
}

/** The slot an entry would want at the freed time: its type, its practitioner or the freed one. */
export function candidateOf(
  entry: WaitlistEntry,
  freed: FreedTime,
): {
  appointmentTypeId: string;
  practitionerId: string;
  start: string;
  visitKind?: VisitKind;
} {
  return {
    appointmentTypeId: entry.appointmentTypeId,
    practitionerId: entry.practitionerId ?? freed.practitionerId,
    start: freed.start.toISOString(),
    ...(entry.visitKind ? { visitKind: entry.visitKind } : {}),
  };
}

/**
 * Who is offered a freed time: the waiting entries in order of joining, each for whichever slot
 * of its own type is free then, up to `offersPerSlot`. Those after them stay waiting.
 */
export function chooseOffers<S>(
  entries: readonly WaitlistEntry[],
  slotFor: ReadonlyMap<WaitlistEntry, S | undefined>,
  offersPerSlot: number,
): { entry: WaitlistEntry; slot: S }[] {
  const chosen: { entry: WaitlistEntry; slot: S }[] = [];
  for (const entry of [...entries].sort((a, b) => a.joinedAt.getTime() - b.joinedAt.getTime())) {
    if (chosen.length >= offersPerSlot) break;
    const slot = slotFor.get(entry);
    if (slot !== undefined) chosen.push({ entry, slot });
  }
  return chosen;
}

/** The refusal of an offer someone else took first: the patient stays on the list if still waiting. */
export function offerGone(stillOnList: boolean): AppError {
  return new AppError('OFFER_GONE', 'this appointment has been taken by someone else', { onList: stillOnList });
}

/** One kind of wait, as availability is asked about it: type, practitioner (or any), and the days of all its entries. */
export interface WaitKind {
  key: string;
  appointmentTypeId: string;
  practitionerId: string;
  from: string;
  to: string;
}

/**
 * The kinds of wait of the waiting entries: one per type and practitioner (or any), covering the
 * days of all its entries from today on, at most MAX_RANGE_DAYS (the longest availability range).
 */
export function waitKindsOf(entries: readonly WaitlistEntry[], now: Date): WaitKind[] {
  const kinds = new Map<string, WaitKind>();
  for (const entry of entries) {
    const practitionerId = entry.practitionerId ?? 'any';
    const key = `${entry.appointmentTypeId}|${practitionerId}`;
    const today = localDate(now, entry.timeZone);
    const from = entry.firstDay < today ? today : entry.firstDay;
    const kind = kinds.get(key);
    if (!kind)
      kinds.set(key, { key, appointmentTypeId: entry.appointmentTypeId, practitionerId, from, to: entry.lastDay });
    else {
      if (from < kind.from) kind.from = from;
      if (entry.lastDay > kind.to) kind.to = entry.lastDay;
    }
  }
  for (const kind of kinds.values()) {
    const last = DateTime.fromISO(kind.from)
      .plus({ days: MAX_RANGE_DAYS - 1 })
      .toISODate()!;
    if (kind.to > last) kind.to = last;
  }
  return [...kinds.values()];
}

/** A free slot as the scan of the waiting list remembers it. */
export function slotKey(slot: { start: string; practitionerId: string }): string {
  return `${slot.practitionerId}|${Date.parse(slot.start)}`;
}

/** The slots free now that were not free at the previous look: time a change freed. */
export function newlyFree<S extends { start: string; practitionerId: string }>(
  slots: readonly S[],
  before: ReadonlySet<string>,
): S[] {
  return slots.filter((slot) => !before.has(slotKey(slot)));
}
