import { AppError, type CommandReply, type CommandRequestParsed } from '@otk/contracts';
import { type NewHold, toSnapshot } from '../booking.js';
import { announce } from '../booking-events.js';
import { slotTaken } from '../booking-rules.js';
import { confirmHeld } from '../confirm-booking.use-case.js';
import { offeredSlot } from '../offered-slot.js';
import { type PlaceHoldRequest, hashRequest, newHold, slotWanted } from '../place-hold.use-case.js';
import type { BookingTransaction } from '../ports.js';
import { reserveSlot } from '../reserve-slot.js';
import { tokenFor } from './confirm-and-leave-waitlist.use-case.js';
import { type Offer, type WaitlistEntry, offerGone, toOfferView } from './waitlist.js';
import type { WaitlistDeps } from './waitlist-ports.js';

/** What the offer link shows: the slot, and whether it is still to be had. */
export async function getOffer(deps: WaitlistDeps, token: string): Promise<CommandReply<'waitlist.getOffer'>> {
  const { entry, offer } = await offerBehind(deps, token);
  return {
    ...toOfferView(offer),
    state: stateOf(entry, offer),
    onList: entry.status === 'waiting',
    language: entry.language,
  };
}

/**
 * The patient takes an offered slot (ADR 26), through the normal hold path:
 * 1. a second click gets the offer's booking again — also its twin of the same moment (a double
 *    click, a link preview), which may read the offer still open but the entry already booked;
 *    otherwise the offer must be open and its entry still on the list;
 * 2. availability says the slot is offered; hold-manager's reserving transaction, under the
 *    occupation lock and the exclusion constraint, takes it — or answers SLOT_TAKEN, which here is
 *    OFFER_GONE: someone was first, and the patient stays on the list. Unless the one first was
 *    this offer's own booking, made by a twin request of the same click a moment earlier: then
 *    this request answers with that booking too;
 * 3. the hold is confirmed in the same transaction: the patient's contact passed the double opt-in
 *    when joining, and the offer link reached it again. They get the confirmation message with
 *    the manage link, as after any confirmation;
 * 4. the entry leaves the list as booked.
 */
export async function acceptOffer(
  deps: WaitlistDeps,
  request: CommandRequestParsed<'waitlist.acceptOffer'>,
): Promise<CommandReply<'waitlist.acceptOffer'>> {
  const { entry, offer } = await offerBehind(deps, request.token);
  if (offer.status === 'accepted' && offer.bookingId) return booked(offer.bookingId, true);
  const holdRequest = holdRequestOf(entry, offer, request.clientAddress);
  const earlier = await deps.bookings.findByIdempotencyKey(holdRequest.idempotencyKey!);
  if (!earlier && stateOf(entry, offer) !== 'open') throw offerGone(entry.status === 'waiting');
  const { bookingId, replay } = earlier
    ? { bookingId: earlier.id, replay: true }
    : await reserveOffered(deps, entry, offer, holdRequest);
  await deps.waitlist.inTransaction((tx) => tx.markBooked(entry.id, offer.id, bookingId, deps.now()));
  return booked(bookingId, replay);
}

/** The offer's booking, and whether a twin request of this offer had made it before this one. */
async function reserveOffered(
  deps: WaitlistDeps,
  entry: WaitlistEntry,
  offer: Offer,
  request: PlaceHoldRequest,
): Promise<{ bookingId: string; replay: boolean }> {
  try {
    const slot = await offeredSlot(deps, slotWanted(request));
    const now = deps.now();
    if (await deps.bookings.isTaken(slot, now)) throw slotTaken();
    const settings = await deps.bookings.settings();
    const hold = newHold(request, slot, settings, now, hashRequest(request));
    if ((await reserveSlot(deps.bookings, hold, settings, now, confirmAtOnce)) === 'held') {
      return { bookingId: hold.id, replay: false };
    }
  } catch (error) {
    if (!(error instanceof AppError) || (error.code !== 'SLOT_TAKEN' && error.code !== 'SLOT_NOT_OFFERED')) throw error;
    // What took the slot may be this offer's own booking, committed by a twin request meanwhile.
    const twin = await deps.bookings.findByIdempotencyKey(request.idempotencyKey!);
    if (twin) return { bookingId: twin.id, replay: true };
    await deps.waitlist.inTransaction((tx) => tx.markOfferGone(offer.id));
    throw offerGone(entry.status === 'waiting');
  }
  // A duplicate: a twin request inserted this offer's hold first.
  const twin = await deps.bookings.findByIdempotencyKey(request.idempotencyKey!);
  if (!twin) throw new AppError('INTERNAL', 'idempotent hold vanished', undefined, false);
  return { bookingId: twin.id, replay: true };
}

/** The hold of an offer: held and at once confirmed, in the reserving transaction; no confirm link is sent. */
async function confirmAtOnce(tx: BookingTransaction, hold: NewHold, now: Date): Promise<void> {
  await announce(tx, 'booking.held', { booking: toSnapshot({ ...hold, status: 'held' }) }, now);
  await confirmHeld(tx, { ...hold, status: 'held' }, now);
}

/** The request the normal hold path gets for an offer; its key makes a second click find the same booking. */
function holdRequestOf(entry: WaitlistEntry, offer: Offer, clientAddress: string | undefined): PlaceHoldRequest {
  return {
    appointmentTypeId: offer.appointmentTypeId,
    practitionerId: offer.practitionerId,
    start: offer.start.toISOString(),
    ...(entry.visitKind ? { visitKind: entry.visitKind } : {}),
    channel: entry.channel,
    language: entry.language,
    patient: entry.patient,
    consent: { accepted: true, privacyPolicyVersion: entry.privacyPolicyVersion },
    idempotencyKey: `waitlist-offer:${offer.id}`,
    ...(clientAddress ? { clientAddress } : {}),
  };
}

async function offerBehind(deps: WaitlistDeps, token: string): Promise<{ entry: WaitlistEntry; offer: Offer }> {
  const { offerId, entryId } = await tokenFor(deps, token, 'offer', deps.now());
  const [offer, entry] = await Promise.all([deps.waitlist.findOffer(offerId!), deps.waitlist.findEntry(entryId)]);
  if (!offer || !entry) throw new AppError('TOKEN_INVALID', 'this link is not valid');
  return { entry, offer };
}

function stateOf(entry: WaitlistEntry, offer: Offer): 'open' | 'gone' | 'booked' {
  if (offer.status === 'accepted') return 'booked';
  return offer.status === 'open' && entry.status === 'waiting' ? 'open' : 'gone';
}

function booked(bookingId: string, alreadyBooked: boolean): CommandReply<'waitlist.acceptOffer'> {
  return { bookingId, status: 'confirmed', alreadyBooked };
}
