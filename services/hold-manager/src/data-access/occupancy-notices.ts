import { type Envelope, type EventOf, type OccupancyNotice, bookingEventTypes } from '@otk/contracts';
import type { BookingRepository, HoldManagerDeps } from '../domain/ports.js';

type BookingEventType = (typeof bookingEventTypes)[number];

/** How long a commit waits for the broker to take its notices before going on without them. */
const NOTICE_TIMEOUT_MS = 250;

/**
 * The bookings, with each commit that took time followed at once by an occupancy notice to every
 * availability and gateway replica (ADR 13): a held slot leaves every answer before the patient
 * hears of the hold, instead of after the outbox relay, the broker's queue and the busy index's
 * write. The notice leaves only after the commit, so it never announces a rolled-back change;
 * the event in the outbox stays the truth, and a notice that fails is only logged.
 */
export function noticingOccupancy(
  bookings: BookingRepository,
  send: (notice: OccupancyNotice, timeoutMs: number) => Promise<void>,
  logger: HoldManagerDeps['logger'],
): BookingRepository {
  return {
    ...bookings,
    async inTransaction(work) {
      let notices: OccupancyNotice[] = [];
      const result = await bookings.inTransaction((tx) => {
        // A transaction run again after a deadlock starts afresh.
        notices = [];
        return work({
          ...tx,
          record: async (event, bookingId) => {
            await tx.record(event, bookingId);
            const notice = occupancyNoticeOf(event);
            if (notice) notices.push(notice);
          },
        });
      });
      await Promise.all(
        notices.map((notice) =>
          send(notice, NOTICE_TIMEOUT_MS).catch((error: unknown) =>
            logger.warn({ err: error, bookingId: notice.bookingId }, 'occupancy notice not sent; the event follows'),
          ),
        ),
      );
      return result;
    },
  };
}

/** The notice of a booking event whose booking takes time now; none for releases or other events. */
export function occupancyNoticeOf(event: Envelope): OccupancyNotice | undefined {
  if (!isBookingEvent(event)) return undefined;
  const { booking } = event.data;
  if (booking.status !== 'held' && booking.status !== 'confirmed') return undefined;
  return {
    bookingId: booking.bookingId,
    status: booking.status,
    practitionerId: booking.practitionerId,
    occupants: booking.occupants,
    occupiedFrom: booking.occupiedFrom,
    occupiedUntil: booking.occupiedUntil,
    expiresAt: booking.expiresAt,
    occurredAt: event.occurredAt,
  };
}

function isBookingEvent(event: Envelope): event is EventOf<BookingEventType> {
  return (bookingEventTypes as readonly string[]).includes(event.type);
}
