import { bookingStatusSchema, personText } from '@otk/contracts';
import { Router } from 'express';
import { z } from 'zod';
import { type ConsoleRpcDeps, auditFor } from './admin-auth.js';
import { parseInput } from './validate.js';

const idSchema = z.string().trim().min(1).max(100);
const listQuery = z.object({
  from: z.iso.datetime({ offset: true }),
  to: z.iso.datetime({ offset: true }),
  /** One status or several, comma-separated. */
  status: z
    .string()
    .transform((value) => value.split(','))
    .pipe(z.array(bookingStatusSchema).min(1).max(5))
    .optional(),
  practitioner: idSchema.optional(),
  cursor: z
    .string()
    .max(200)
    .regex(/^[A-Za-z0-9_-]+$/)
    .optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
const bookingParams = z.object({ id: z.uuid() });
const cancelBody = z.object({ reason: personText({ max: 500 }) });

/**
 * The practice's bookings for admin and staff: a page of them, one with its history and its state
 * in the practice system, and the practice's cancel. Every read of patient data and every cancel goes to the audit log.
 */
export function adminBookingsRoutes(deps: ConsoleRpcDeps): Router {
  const { broker } = deps;
  const options = { timeoutMs: deps.rpcTimeoutMs };
  const audit = auditFor(deps.pool);
  const staffAndAdmin = deps.guard({ roles: ['admin', 'staff'] });
  const router = Router();

  router.get('/bookings', staffAndAdmin, async (req, res) => {
    const query = parseInput(listQuery, req.query);
    const reply = await broker.call(
      'booking.list',
      {
        from: query.from,
        to: query.to,
        statuses: query.status,
        practitionerId: query.practitioner,
        cursor: query.cursor,
        limit: query.limit,
      },
      options,
    );
    await audit(req, res, {
      action: 'booking.list',
      details: {
        from: query.from,
        to: query.to,
        ...(query.status ? { status: query.status } : {}),
        ...(query.practitioner ? { practitioner: query.practitioner } : {}),
        bookingIds: reply.bookings.map((b) => b.bookingId),
      },
    });
    res.status(200).json(reply);
  });

  // The booking with its history (hold-manager) and its state in the practice system
  // (pixelmedics-sync); `sync` is null while pixelmedics-sync does not answer.
  router.get('/bookings/:id', staffAndAdmin, async (req, res) => {
    const { id } = parseInput(bookingParams, req.params);
    const [found, sync] = await Promise.allSettled([
      broker.call('booking.find', { bookingId: id }, options),
      broker.call('sync.getBookingState', { bookingId: id }, options),
    ]);
    if (found.status === 'rejected') throw found.reason;
    await audit(req, res, { action: 'booking.read', target: id });
    const { booking, history } = found.value;
    res.status(200).json({ booking: { ...booking, sync: sync.status === 'fulfilled' ? sync.value : null }, history });
  });

  router.post('/bookings/:id/cancel', staffAndAdmin, async (req, res) => {
    const { id } = parseInput(bookingParams, req.params);
    const { reason } = parseInput(cancelBody, req.body);
    const reply = await broker.call('booking.cancelByPractice', { bookingId: id, reason }, options);
    await audit(req, res, { action: 'booking.cancel', target: id, details: { reason } });
    res.status(200).json(reply);
  });

  return router;
}
