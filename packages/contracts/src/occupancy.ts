import { z } from 'zod';
import { instantSchema, occupancySchema } from './booking.js';

/**
 * A booking has just taken time: sent by hold-manager right after the commit that recorded its
 * booking event, to every replica that follows the `occupancy` exchange, so that availability
 * stops offering the time and the gateway stops serving cached answers that offer it before the
 * event itself has travelled through the outbox. A hint, never the truth: it is not persisted,
 * may be lost, and is superseded by the event. It names no person.
 */
export const occupancyNoticeV1 = occupancySchema.extend({
  bookingId: z.uuid(),
  /** Only states that take time are noticed; releases travel with the events alone. */
  status: z.enum(['held', 'confirmed']),
  practitionerId: z.string().min(1).max(100),
  /** Deadline of a held booking (D3); null once confirmed. */
  expiresAt: instantSchema.nullable(),
  /** When the transition happened: the `occurredAt` of the booking event it anticipates. */
  occurredAt: instantSchema,
});
export type OccupancyNotice = z.infer<typeof occupancyNoticeV1>;

/** The notice's version, carried as the AMQP `type`: a follower drops versions it does not know. */
export const occupancyNoticeType = 'occupancy.taken.v1';

export type NoticeParseResult = { ok: true; value: OccupancyNotice } | { ok: false; reason: string };

export function parseOccupancyNotice(raw: unknown): NoticeParseResult {
  const parsed = occupancyNoticeV1.safeParse(raw);
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, reason: z.prettifyError(parsed.error) };
}
