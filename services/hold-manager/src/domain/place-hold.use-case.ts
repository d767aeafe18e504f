import { createHash, randomUUID } from 'node:crypto';
import { AppError, type CommandReply, type CommandRequestParsed } from '@otk/contracts';
import type pg from 'pg';
import {
  countOpenHolds,
  expireOverdueOverlapping,
  lockOccupation,
  findByIdempotencyKey,
  insertBooking,
  isVisiblyTaken,
  type Slot,
  lockKey,
  toSnapshot,
} from '../data-access/booking.repository.js';
import { readSettings } from '../data-access/settings.repository.js';
import { insertToken } from '../data-access/token.repository.js';
import { inTransaction } from '../data-access/transaction.js';
import { emit } from './booking-events.js';
import { assertBelowHoldLimits, assertInFuture, changeableUntil, contactKey, holdExpiresAt } from './booking-rules.js';
import { checkOfferedSlot } from './offered-slot.js';
import type { HoldManagerDeps } from './ports.js';
import { newToken } from './token.js';

type PlaceHoldRequest = CommandRequestParsed<'hold.place'>;
type PlaceHoldReply = CommandReply<'hold.place'>;

/**
 * Holds a slot for a patient (F7, stage 1 of the double opt-in). Availability first confirms that
 * the slot is offered and says what it occupies; then, in one transaction, the open-hold limits are
 * checked, overdue holds on that time lapse, the booking and its occupancy are inserted (the
 * exclusion constraint refuses a taken slot), and `booking.held` goes to the outbox with the
 * confirm token. The expiry message is scheduled after the commit; the sweep covers its loss.
 */
export async function placeHold(deps: HoldManagerDeps, request: PlaceHoldRequest): Promise<PlaceHoldReply> {
  const requestHash = hashRequest(request);
  if (request.idempotencyKey) {
    const replay = await replayOf(deps, request.idempotencyKey, requestHash);
    if (replay) return replay;
  }
  assertInFuture(new Date(request.start), deps.now());
  let slot: Slot;
  try {
    slot = await checkOfferedSlot(deps, {
      appointmentTypeId: request.appointmentTypeId,
      practitionerId: request.practitionerId,
      start: request.start,
      ...(request.visitKind ? { visitKind: request.visitKind } : {}),
    });
  } catch (error) {
    // Busy because this very request's twin (same Idempotency-Key) has just held it?
    const replay =
      isTaken(error) && request.idempotencyKey && (await replayOf(deps, request.idempotencyKey, requestHash));
    if (replay) return replay;
    return withAlternatives(deps, error, {
      appointmentTypeId: request.appointmentTypeId,
      practitionerId: request.practitionerId,
      after: new Date(request.start),
    });
  }
  const settings = await readSettings(deps.pool);
  const now = deps.now();
  const hold = {
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
  const confirmToken = newToken();

  const reserve = async () => {
    // A slot visibly taken is refused at once, without queueing for its lock: under contention
    // the losers would otherwise pass the occupation lock one by one only to fail on insert.
    if (await isVisiblyTaken(deps.pool, slot, now)) throw new AppError('SLOT_TAKEN', 'this time is no longer free');
    return inTransaction(deps.pool, (client) => holdInTransaction(client));
  };
  const holdInTransaction = async (client: pg.PoolClient): Promise<'held' | 'duplicate'> => {
    // Counted under a lock per contact, so parallel requests of one patient cannot overrun the
    // limit. Not per client address: behind a shared address (a practice's own network, a
    // carrier's NAT) that lock would queue every patient; that limit may be overrun by a request
    // or two in a race, which is harmless for a coarse guard against abuse.
    await lockKey(client, hold.contactKey);
    assertBelowHoldLimits(await countOpenHolds(client, hold, now), settings);
    await lockOccupation(client, slot.occupants, slot.occupiedFrom, slot.occupiedUntil);
    const lapsed = await expireOverdueOverlapping(client, slot.occupants, slot.occupiedFrom, slot.occupiedUntil, now);
    for (const booking of lapsed) await emit(client, 'booking.expired', { booking: toSnapshot(booking) }, now);
    if ((await insertBooking(client, hold, now)) === 'duplicate') return 'duplicate';
    await insertToken(client, {
      hash: confirmToken.hash,
      bookingId: hold.id,
      purpose: 'confirm',
      expiresAt: hold.expiresAt,
    });
    await emit(
      client,
      'booking.held',
      { booking: toSnapshot({ ...hold, status: 'held' }), confirmToken: confirmToken.value },
      now,
    );
    return 'held';
  };
  const outcome = await reserve().catch(async (error: unknown) => {
    // Taken by this very request's twin (same Idempotency-Key, committed a moment earlier)?
    if (isTaken(error) && request.idempotencyKey && (await findByIdempotencyKey(deps.pool, request.idempotencyKey))) {
      return 'duplicate';
    }
    return withAlternatives(deps, error, {
      appointmentTypeId: slot.appointmentTypeId,
      practitionerId: slot.practitionerId,
      after: slot.start,
      timeZone: slot.timeZone,
    });
  });
  if (outcome === 'duplicate') {
    // A twin request with the same key committed first; answer as it did.
    const replay = await replayOf(deps, request.idempotencyKey as string, requestHash);
    if (replay) return replay;
    throw new AppError('INTERNAL', 'idempotent hold vanished', undefined, false);
  }

  // Not awaited: the patient need not wait for the broker's confirm, and a message that never
  // goes out is covered by the sweep.
  deps
    .scheduleExpiry({ bookingId: hold.id, expiresAt: hold.expiresAt }, settings.confirmationWindowSeconds * 1000)
    .catch((error: unknown) =>
      deps.logger.warn(
        { err: error, bookingId: hold.id },
        'expiry message not scheduled; the sweep will expire the hold',
      ),
    );
  return { bookingId: hold.id, status: 'held', expiresAt: hold.expiresAt.toISOString() };
}

function isTaken(error: unknown): error is AppError {
  return error instanceof AppError && error.code === 'SLOT_TAKEN';
}

/** A SLOT_TAKEN refusal gets the next free slots; any other error passes unchanged. */
async function withAlternatives(
  deps: HoldManagerDeps,
  error: unknown,
  query: Parameters<HoldManagerDeps['findAlternatives']>[0],
): Promise<never> {
  if (!isTaken(error)) throw error;
  throw new AppError('SLOT_TAKEN', error.message, { alternatives: await deps.findAlternatives(query) });
}

/** The answer to a retried request: the same hold, or IDEMPOTENCY_KEY_REUSED for a different request. */
async function replayOf(
  deps: HoldManagerDeps,
  idempotencyKey: string,
  requestHash: string,
): Promise<PlaceHoldReply | undefined> {
  const earlier = await findByIdempotencyKey(deps.pool, idempotencyKey);
  if (!earlier) return undefined;
  if (earlier.requestHash !== requestHash) {
    throw new AppError('IDEMPOTENCY_KEY_REUSED', 'this Idempotency-Key was used for a different request');
  }
  return { bookingId: earlier.id, status: 'held', expiresAt: earlier.expiresAt.toISOString() };
}

/** The request without the transport's additions: a retry from another address is the same request. */
function hashRequest(request: PlaceHoldRequest): string {
  const { idempotencyKey: _key, clientAddress: _address, ...body } = request;
  return sha256(JSON.stringify(body));
}

function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}
