import { type RequestHandler, Router } from 'express';
import type pg from 'pg';
import { z } from 'zod';
import { listAudit } from '../data-access/audit.repository.js';
import type { RouteAccess } from './admin-auth.js';
import { parseInput } from './validate.js';

const auditQuery = z.object({
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  action: z
    .string()
    .regex(/^[A-Za-z.-]{1,50}$/)
    .optional(),
  /** The `nextCursor` of the previous page. */
  cursor: z
    .string()
    .regex(/^\d{1,18}$/)
    .optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

/** The audit log for admins: who did what, when and from where; newest first, a page at a time. */
export function adminAuditRoutes(deps: { pool: pg.Pool; guard: (access: RouteAccess) => RequestHandler }): Router {
  const router = Router();
  router.get('/audit', deps.guard({ roles: ['admin'] }), async (req, res) => {
    const query = parseInput(auditQuery, req.query);
    const entries = await listAudit(deps.pool, {
      from: query.from,
      to: query.to,
      action: query.action,
      before: query.cursor,
      limit: query.limit + 1,
    });
    const page = entries.slice(0, query.limit);
    res.status(200).json({
      entries: page,
      nextCursor: entries.length > query.limit ? (page.at(-1)?.id ?? null) : null,
    });
  });
  return router;
}
