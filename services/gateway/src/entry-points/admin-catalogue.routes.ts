import {
  type CatalogueChange,
  catalogueIdSchema,
  newAbsenceSchema,
  staffAppointmentTypeSchema,
  staffGroupSchema,
  staffPractitionerSchema,
  staffResourceSchema,
} from '@otk/contracts';
import { type RequestHandler, Router } from 'express';
import { z } from 'zod';
import { type ConsoleRpcDeps, auditFor } from './admin-auth.js';
import { parseInput } from './validate.js';

const idParams = z.object({ id: catalogueIdSchema });
const holidaysBody = z.object({ closed: z.boolean() }).strict();

/**
 * The practice catalogue for admins: practitioners with their weekly hours and resources,
 * appointment groups and types, resources, absences and closures, and whether public holidays
 * close the practice. availability owns it (ADR 24); each change is one command to it, and every
 * change goes to the audit log with its content.
 */
export function adminCatalogueRoutes(deps: ConsoleRpcDeps): Router {
  const { broker } = deps;
  const options = { timeoutMs: deps.rpcTimeoutMs };
  const audit = auditFor(deps.pool);
  const adminOnly = deps.guard({ roles: ['admin'] });
  const router = Router();

  const change: (
    toChange: (req: Parameters<RequestHandler>[0]) => { change: CatalogueChange; target: string },
    status?: number,
  ) => RequestHandler =
    (toChange, status = 200) =>
    async (req, res) => {
      const { change: request, target } = toChange(req);
      const catalogue = await broker.call('availability.changeCatalogue', { change: request }, options);
      await audit(req, res, { action: `catalogue.${request.kind}`, target, details: { change: request } });
      res.status(status).json(catalogue);
    };
  /** PUT of a whole entry; the id in the path is the entry's. */
  const put = <T extends { id: string }>(schema: z.ZodType<T>, wrap: (entry: T) => CatalogueChange) =>
    change((req) => {
      const { id } = parseInput(idParams, req.params);
      const entry = parseInput(schema, { ...(req.body as object), id });
      return { change: wrap(entry), target: id };
    });

  router.get('/catalogue', adminOnly, async (_req, res) => {
    res.status(200).json(await broker.call('availability.getStaffCatalogue', {}, options));
  });
  router.put(
    '/catalogue/practitioners/:id',
    adminOnly,
    put(staffPractitionerSchema.strict(), (practitioner) => ({ kind: 'putPractitioner', practitioner })),
  );
  router.put(
    '/catalogue/groups/:id',
    adminOnly,
    put(staffGroupSchema.strict(), (group) => ({ kind: 'putGroup', group })),
  );
  router.put(
    '/catalogue/appointment-types/:id',
    adminOnly,
    put(staffAppointmentTypeSchema.strict(), (appointmentType) => ({ kind: 'putAppointmentType', appointmentType })),
  );
  router.put(
    '/catalogue/resources/:id',
    adminOnly,
    put(staffResourceSchema.strict(), (resource) => ({ kind: 'putResource', resource })),
  );
  router.post(
    '/catalogue/absences',
    adminOnly,
    change((req) => {
      const absence = parseInput(newAbsenceSchema, req.body);
      return { change: { kind: 'addAbsence', absence }, target: absence.practitionerId ?? 'practice' };
    }, 201),
  );
  router.delete(
    '/catalogue/absences/:id',
    adminOnly,
    change((req) => {
      const { id } = parseInput(idParams, req.params);
      return { change: { kind: 'removeAbsence', absenceId: id }, target: id };
    }),
  );
  router.put(
    '/catalogue/holidays',
    adminOnly,
    change((req) => {
      const { closed } = parseInput(holidaysBody, req.body);
      return { change: { kind: 'setHolidaysClosed', closed }, target: 'practice' };
    }),
  );

  return router;
}
