import { type Request, type Response, Router } from 'express';
import { z } from 'zod';
import { type PatientDataDeps, erasePatientData, exportPatientData } from '../domain/patient-data.use-case.js';
import { type ConsoleRpcDeps, auditFor } from './admin-auth.js';
import { parseInput } from './validate.js';

const bookingParams = z.object({ id: z.uuid() });
/** Erasure cannot be undone: the request says so in words, not by a click that lands by chance. */
const eraseBody = z.object({ confirm: z.literal('erase') }).strict();

/**
 * A patient's export (admin and staff) and erasure (admin), from one of their bookings (ADR 73).
 * Both are audited with the acting account and the bookings concerned.
 */
export function adminPatientDataRoutes(deps: ConsoleRpcDeps): Router {
  const audit = auditFor(deps.pool);
  const options = { timeoutMs: deps.rpcTimeoutMs };
  const router = Router();
  const useCaseDeps = (req: Request, res: Response): PatientDataDeps => ({
    owners: { call: (name, request) => deps.broker.call(name, request, options) },
    audit: (entry) => audit(req, res, entry),
    now: () => new Date(),
  });

  router.get('/bookings/:id/patient/export', deps.guard({ roles: ['admin', 'staff'] }), async (req, res) => {
    const { id } = parseInput(bookingParams, req.params);
    const data = await exportPatientData(useCaseDeps(req, res), id);
    res.set('content-disposition', `attachment; filename="patient-data-${id}.json"`);
    res.status(200).json(data);
  });

  router.post('/bookings/:id/patient/erase', deps.guard({ roles: ['admin'] }), async (req, res) => {
    const { id } = parseInput(bookingParams, req.params);
    parseInput(eraseBody, req.body);
    res.status(200).json(await erasePatientData(useCaseDeps(req, res), id));
  });

  return router;
}
