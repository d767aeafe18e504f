import { createHash, randomUUID } from 'node:crypto';
import { AppError, type CommandReply, type CommandRequest, type CommandRequestParsed } from '@otk/contracts';
import type { NewHold, Slot } from './booking.js';
import {
  type PracticeSettings,
  assertInFuture,
  changeableUntil,
  contactKey,
  holdExpiresAt,
  isSlotTaken,
  slotTaken,
} from './booking-rules.js';
import { offeredSlot } from './offered-slot.js';
import type { HoldManagerDeps } from './ports.js';
import { reserveSlot } from './reserve-slot.js';
import { takenWithAlternatives } from './taken-slot-alternatives.js';

export type PlaceHoldRequest = CommandRequestParsed<'hold.place'>;
type PlaceHoldReply = CommandReply<'hold.place'>;

/**
 * Holds a slot for a patient (F7, stage 1 of the double opt-in):
 * 1. validate — a retried request (same Idempotency-Key) gets its earlier answer; the slot lies
 *    ahead; a practitioner visibly booked at that very start is refused at once (one indexed read,
 *    no lock, availability not asked): under contention that is every loser after the winner;
 * 2. check offered — availability says whether the practice offers the slot and what it occupies;
 * 3. reserve — a slot visibly taken on any occupant is refused (one indexed read, no lock);
 *    otherwise one transaction takes it (reserve-slot.ts): the exclusion constraint decides;
 * 4. announce — `booking.held` left with the transaction; the expiry message is scheduled.
 * A refusal for a taken slot names the next free ones, shared by everyone refused for that slot.
 */
export async function placeHold(deps: HoldManagerDeps, request: PlaceHoldRequest): Promise<PlaceHoldReply> {
  const requestHash = hashRequest(request);
  const earlier = await replayOf(deps, request, requestHash);
  if (earlier) return earlier;
  assertInFuture(new Date(request.start), deps.now());
  if (await isPractitionerBookedAtStart(deps, request)) return answerTaken(deps, request, requestHash, undefined);
  let slot: Slot | undefined;
  try {
    slot = await offeredSlot(deps, slotWanted(request));
    const hold = await reserve(deps, request, slot, requestHash);
    if (hold === 'duplicate') return await twinOf(deps, request, requestHash);
    scheduleExpiry(deps, hold);
    return { bookingId: hold.id, status: 'held', expiresAt: hold.expiresAt.toISOString() };
  } catch (error) {
    if (!isSlotTaken(error)) throw error;
    return answerTaken(deps, request, requestHash, slot);
  }
}

/**
 * Any slot starting at `start` occupies its practitioner then: if a booking does, the slot is
 * taken. The refusal is answered straight away, without an error thrown and caught on the way.
 */
function isPractitionerBookedAtStart(deps: HoldManagerDeps, request: PlaceHoldRequest): Promise<boolean> {
  return deps.bookings.isPractitionerTakenAt(request.practitionerId, new Date(request.start), deps.now());
}

export function slotWanted(request: PlaceHoldRequest): CommandRequest<'availability.checkSlot'> {
  return {
    appointmentTypeId: request.appointmentTypeId,
    practitionerId: request.practitionerId,
    start: request.start,
    ...(request.visitKind ? { visitKind: request.visitKind } : {}),
  };
}

/** Refuses a slot visibly taken on any occupant; otherwise the transaction of reserve-slot.ts decides. */
async function reserve(
  deps: HoldManagerDeps,
  request: PlaceHoldRequest,
  slot: Slot,
  requestHash: string,
): Promise<NewHold | 'duplicate'> {
  const now = deps.now();
  if (await deps.bookings.isTaken(slot, now)) throw slotTaken();
  const settings = await deps.bookings.settings();
  const hold = newHold(request, slot, settings, now, requestHash);
  return (await reserveSlot(deps.bookings, hold, settings, now)) === 'duplicate' ? 'duplicate' : hold;
}

/**
 * The answer to a taken slot: the hold of this very request's twin (same Idempotency-Key,
 * committed a moment earlier), or SLOT_TAKEN with the next free slots.
 */
async function answerTaken(
  deps: HoldManagerDeps,
  request: PlaceHoldRequest,
  requestHash: string,
  slot: Slot | undefined,
): Promise<PlaceHoldReply> {
  const twin = await replayOf(deps, request, requestHash);
  if (twin) return twin;
  throw await takenWithAlternatives(deps, {
    appointmentTypeId: request.appointmentTypeId,
    practitionerId: request.practitionerId,
    after: new Date(request.start),
    ...(slot ? { timeZone: slot.timeZone } : {}),
  });
}

/** The hold as it will be stored: the slot, the patient, the deadlines by the practice's settings. */
export function newHold(
  request: PlaceHoldRequest,
  slot: Slot,
  settings: PracticeSettings,
  now: Date,
  requestHash: string,
): NewHold {
  return {
    id: randomUUID(),
    slot,
    visitKind: request.visitKind,
    expiresAt: holdExpiresAt(now, settings),
    changeableUntil: changeableUntil(slot.start, settings),
    language: request.language,
    channel: request.channel,
    patient: request.patient,
    contactKey: contactKey(request.channel, request.patient),
    clientKey: request.clientAddress ? sha256(request.clientAddress) : undefined,
    consentAcceptedAt: now,
    privacyPolicyVersion: request.consent.privacyPolicyVersion,
    idempotencyKey: request.idempotencyKey,
    requestHash,
  };
}

/**
 * The expiry message, not awaited: the patient need not wait for the broker's confirm, and a
 * message that never goes out is covered by the sweep.
 */
function scheduleExpiry(deps: HoldManagerDeps, hold: NewHold): void {
  const delayMs = hold.expiresAt.getTime() - hold.consentAcceptedAt.getTime();
  deps
    .scheduleExpiry({ bookingId: hold.id, expiresAt: hold.expiresAt }, delayMs)
    .catch((error: unknown) =>
      deps.logger.warn(
        { err: error, bookingId: hold.id },
        'expiry message not scheduled; the sweep will expire the hold',
      ),
    );
}

/** The answer to a retried request: the same hold, or IDEMPOTENCY_KEY_REUSED for a different request. */
async function replayOf(
  deps: HoldManagerDeps,
  request: PlaceHoldRequest,
  requestHash: string,
): Promise<PlaceHoldReply | undefined> {
  if (!request.idempotencyKey) return undefined;
  const earlier = await deps.bookings.findByIdempotencyKey(request.idempotencyKey);
  if (!earlier) return undefined;
  if (earlier.requestHash !== requestHash) {
    throw new AppError('IDEMPOTENCY_KEY_REUSED', 'this Idempotency-Key was used for a different request');
  }
  return { bookingId: earlier.id, status: 'held', expiresAt: earlier.expiresAt.toISOString() };
}

/** A twin request with the same key committed first: answer as it did. */
async function twinOf(deps: HoldManagerDeps, request: PlaceHoldRequest, requestHash: string): Promise<PlaceHoldReply> {
  const twin = await replayOf(deps, request, requestHash);
  if (twin) return twin;
  throw new AppError('INTERNAL', 'idempotent hold vanished', undefined, false);
}

/** The request without the transport's additions: a retry from another address is the same request. */
export function hashRequest(request: PlaceHoldRequest): string {
  const { idempotencyKey: _key, clientAddress: _address, ...body } = request;
  return sha256(JSON.stringify(body));
}

function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}
