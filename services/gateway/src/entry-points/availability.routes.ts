import { type CommandName, type CommandRequest, visitKindSchema } from '@otk/contracts';
import type { Broker } from '@otk/messaging';
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { gzip as gzipCallback } from 'node:zlib';
import { type Request, type Response, Router } from 'express';
import { z } from 'zod';
import type { Config } from '../config.js';
import type { DateRange, SharedAnswers } from '../domain/shared-answers.js';
import { parseInput } from './validate.js';

const gzip = promisify(gzipCallback);
const idSchema = z.string().trim().min(1).max(100);
const availabilityQuery = z.object({
  appointmentType: idSchema,
  practitioner: idSchema,
  from: z.iso.date(),
  to: z.iso.date(),
});
const catalogueQuery = z.object({ visitKind: visitKindSchema.optional() });

/**
 * Patient-facing read API (F1–F5): the practice, its catalogue, and free slots. Each is one RPC to
 * availability. Identical questions share one call; its serialized (and gzipped) answer is reused
 * for AVAILABILITY_CACHE_TTL_MS and then served a little longer while its successor loads.
 * Availability itself caches until its busy index changes; slot lists of days on which a booking
 * has just taken time are dropped as soon as its occupancy notice arrives (ADR 13), and otherwise
 * the TTL bounds how long a slot just taken can still be shown (ADR 12).
 */
export function availabilityRoutes(
  broker: Broker,
  config: Pick<Config, 'RPC_TIMEOUT_MS'>,
  answers: SharedAnswers,
): Router {
  const router = Router();
  const ask = async <N extends CommandName>(
    req: Request,
    res: Response,
    name: N,
    request: CommandRequest<N>,
    cacheControl: string,
    days?: DateRange,
  ) => {
    const load = async () => {
      const body = Buffer.from(JSON.stringify(await broker.call(name, request, { timeoutMs: config.RPC_TIMEOUT_MS })));
      // Computed once per answer, not on every response that reuses it: slot lists run to 100 kB
      // of JSON and shrink tenfold and more.
      return { body, gzipped: await gzip(body), etag: `W/"${createHash('sha1').update(body).digest('base64url')}"` };
    };
    const answer = await answers.get(`${name} ${JSON.stringify(request)}`, load, days);
    res.status(200).set({ 'cache-control': cacheControl, etag: answer.etag, vary: 'Accept-Encoding' });
    res.type('application/json');
    if (req.fresh) {
      res.status(304).end();
    } else if (req.acceptsEncodings('gzip', 'identity') === 'gzip') {
      res.set('content-encoding', 'gzip').send(answer.gzipped);
    } else {
      res.send(answer.body);
    }
  };

  router.get('/practice', async (req, res) => {
    await ask(req, res, 'availability.getPractice', {}, 'public, max-age=60');
  });

  router.get('/catalogue', async (req, res) => {
    const query = parseInput(catalogueQuery, req.query);
    await ask(req, res, 'availability.getCatalogue', { visitKind: query.visitKind }, 'public, max-age=60');
  });

  router.get('/availability', async (req, res) => {
    const query = parseInput(availabilityQuery, req.query);
    await ask(
      req,
      res,
      'availability.listSlots',
      { appointmentTypeId: query.appointmentType, practitionerId: query.practitioner, from: query.from, to: query.to },
      'no-cache',
      { from: query.from, to: query.to },
    );
  });

  return router;
}
