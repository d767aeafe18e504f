import { type CommandName, type CommandRequest, visitKindSchema } from '@otk/contracts';
import type { Broker } from '@otk/messaging';
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { gzip as gzipCallback } from 'node:zlib';
import { type Request, type Response, Router } from 'express';
import { z } from 'zod';
import type { Config } from '../config.js';
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
 * availability. Identical questions asked at the same time share one call, and its serialized
 * answer is reused for AVAILABILITY_CACHE_TTL_MS (short: availability itself caches until the busy index
 * changes, so this only bounds how stale a busy instant can look — see ADR 0012).
 */
export function availabilityRoutes(
  broker: Broker,
  config: Pick<Config, 'RPC_TIMEOUT_MS' | 'AVAILABILITY_CACHE_TTL_MS'>,
): Router {
  const router = Router();
  const answers = new SharedAnswers(config.AVAILABILITY_CACHE_TTL_MS);
  const ask = async <N extends CommandName>(
    req: Request,
    res: Response,
    name: N,
    request: CommandRequest<N>,
    cacheControl: string,
  ) => {
    const answer = await answers.get(`${name} ${JSON.stringify(request)}`, async () => {
      const body = Buffer.from(JSON.stringify(await broker.call(name, request, { timeoutMs: config.RPC_TIMEOUT_MS })));
      // Computed once per answer, not on every response that reuses it: slot lists run to 100 kB
      // of JSON and shrink tenfold and more.
      return { body, gzipped: await gzip(body), etag: `W/"${createHash('sha1').update(body).digest('base64url')}"` };
    });
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
    );
  });

  return router;
}

/** Single flight plus a short reuse window, per key; failures are never kept. */
interface Answer {
  body: Buffer;
  gzipped: Buffer;
  etag: string;
}

class SharedAnswers {
  private readonly entries = new Map<string, { body: Promise<Answer>; until: number }>();

  constructor(private readonly ttlMs: number) {}

  get(key: string, load: () => Promise<Answer>): Promise<Answer> {
    const now = Date.now();
    const entry = this.entries.get(key);
    if (entry && entry.until > now) return entry.body;
    if (this.entries.size > 5000) this.entries.clear();
    const body = load();
    const fresh = { body, until: Infinity };
    this.entries.set(key, fresh);
    body.then(
      () => {
        fresh.until = Date.now() + this.ttlMs;
        if (this.ttlMs <= 0 && this.entries.get(key) === fresh) this.entries.delete(key);
      },
      () => {
        if (this.entries.get(key) === fresh) this.entries.delete(key);
      },
    );
    return body;
  }
}
