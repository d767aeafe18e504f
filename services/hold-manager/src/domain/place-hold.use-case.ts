import { randomUUID } from 'node:crypto';
import { type CommandReply, type CommandRequestParsed, createEvent } from '@otk/contracts';
import { appendToOutbox, withTransaction } from '@otk/db';
import type pg from 'pg';
import { expireOverdueHolds, insertHold } from '../data-access/booking.repository.js';
import { migrations } from '../data-access/migrations.js';
import { assertHoldable, holdExpiresAt } from './hold.js';
import { newToken } from './token.js';

/**
 * Holds a slot for a patient (F7, stage 1 of the double opt-in): the booking row and its
 * `booking.held` event are written in one transaction, so the event exists exactly when the hold does.
 */
export async function placeHold(
  pool: pg.Pool,
  request: CommandRequestParsed<'hold.place'>,
  options: { confirmationWindowSeconds: number; now?: Date },
): Promise<CommandReply<'hold.place'>> {
  const now = options.now ?? new Date();
  const start = new Date(request.start);
  const end = new Date(request.end);
  assertHoldable({ start, end }, now);
  const hold = {
    id: randomUUID(),
    appointmentTypeId: request.appointmentTypeId,
    practitionerId: request.practitionerId,
    start,
    end,
    expiresAt: holdExpiresAt(now, options.confirmationWindowSeconds),
    language: request.language,
    patient: request.patient,
  };
  const confirmToken = newToken();
  await withTransaction(pool, async (client) => {
    await expireOverdueHolds(client, hold.practitionerId, start, end, now);
    await insertHold(client, { ...hold, confirmTokenHash: confirmToken.hash });
    await appendToOutbox(
      client,
      migrations.schema,
      createEvent('booking.held', {
        booking: {
          bookingId: hold.id,
          status: 'held',
          appointmentTypeId: hold.appointmentTypeId,
          // Names and zone come from availability once holds are checked against it (slot check).
          appointmentTypeName: { de: hold.appointmentTypeId },
          practitionerId: hold.practitionerId,
          practitionerName: hold.practitionerId,
          timeZone: 'Europe/Zurich',
          changeableUntil: start.toISOString(),
          start: start.toISOString(),
          end: end.toISOString(),
          occupiedFrom: start.toISOString(),
          occupiedUntil: end.toISOString(),
          occupants: [{ kind: 'practitioner', id: hold.practitionerId }],
          expiresAt: hold.expiresAt.toISOString(),
          language: request.language,
          channel: 'email',
          patient: request.patient,
        },
        confirmToken: confirmToken.value,
      }),
    );
  });
  return { bookingId: hold.id, status: 'held', expiresAt: hold.expiresAt.toISOString() };
}
