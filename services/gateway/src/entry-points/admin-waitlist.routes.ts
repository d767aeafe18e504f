import { personText, waitlistEntryStatusSchema } from '@otk/contracts';
import { Router } from 'express';
import { z } from 'zod';
import { type ConsoleRpcDeps, auditFor } from './admin-auth.js';
import { parseInput } from './validate.js';

const listQuery = z.object({
  /** One status or several, comma-separated; default: those still on the list. */
  status: z
    .string()
    .transform((value) => value.split(','))
    .pipe(z.array(waitlistEntryStatusSchema).min(1).max(6))
    .optional(),
  limit: z.coerce.number().int().min(1).max(500).default(200),
});
const entryParams = z.object({ id: z.uuid() });
const removeBody = z.object({ reason: personText({ max: 500 }) });

/**
 * The practice's waiting list for admin and staff (ADR 26): the entries in order of joining, and
 * taking one off the list. Every read of patient data and every removal goes to the audit log.
 */
export function adminWaitlistRoutes(deps: ConsoleRpcDeps): Router {
  const { broker } = deps;
  const options = { timeoutMs: deps.rpcTimeoutMs };
  const audit = auditFor(deps.pool);
  const staffAndAdmin = deps.guard({ roles: ['admin', 'staff'] });
  const router = Router();

  router.get('/waitlist', staffAndAdmin, async (req, res) => {
    const query = parseInput(listQuery, req.query);
    const reply = await broker.call(
      'waitlist.list',
      { ...(query.status ? { statuses: query.status } : {}), limit: query.limit },
      options,
    );
    await audit(req, res, {
      action: 'waitlist.list',
      details: { ...(query.status ? { status: query.status } : {}), entryIds: reply.entries.map((e) => e.entryId) },
    });
    res.status(200).json(reply);
  });

  router.post('/waitlist/:id/remove', staffAndAdmin, async (req, res) => {
    const { id } = parseInput(entryParams, req.params);
    const { reason } = parseInput(removeBody, req.body);
    const reply = await broker.call('waitlist.remove', { entryId: id, reason }, options);
    await audit(req, res, { action: 'waitlist.remove', target: id, details: { reason } });
    res.status(200).json(reply);
  });

  return router;
}
