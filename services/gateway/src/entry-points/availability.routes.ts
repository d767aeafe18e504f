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
 * availability. Identical questions share one call; its serialized (and gzipped) answer is reused
 * for AVAILABILITY_CACHE_TTL_MS and then served a little longer while its successor loads.
 * Availability itself caches until its busy index changes, so this only bounds how long a slot
 * just taken can still be shown (ADR 12).
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

interface Answer {
  body: Buffer;
  gzipped: Buffer;
  etag: string;
}

interface Entry {
  /** The answer being loaded, or the last one loaded. */
  answer: Promise<Answer>;
  /** Until then the answer is reused as it is. */
  freshUntil: number;
  /** Until then an older answer is still served while a newer one loads (no stall for everyone at once). */
  staleUntil: number;
  refreshing: boolean;
}

/** How much longer than its TTL an answer may be served while its successor loads. */
const STALE_GRACE_MS = 1000;

/**
 * Per key: single flight (concurrent identical questions share one load), reuse for `ttlMs`, and
 * stale-while-revalidate — once the TTL has passed, the first request starts a reload and everyone
 * gets the previous answer until it is in, for at most STALE_GRACE_MS more. Failures are never kept.
 */
class SharedAnswers {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly ttlMs: number) {}

  get(key: string, load: () => Promise<Answer>): Promise<Answer> {
    const now = Date.now();
    const entry = this.entries.get(key);
    if (entry && now < entry.freshUntil) return entry.answer;
    if (entry && now < entry.staleUntil) {
      if (!entry.refreshing) {
        entry.refreshing = true;
        load().then(
          (answer) => this.store(key, Promise.resolve(answer)),
          () => this.entries.delete(key),
        );
      }
      return entry.answer;
    }
    if (this.entries.size > 5000) this.entries.clear();
    const answer = load();
    const loading: Entry = { answer, freshUntil: Infinity, staleUntil: Infinity, refreshing: true };
    this.entries.set(key, loading);
    answer.then(
      () => {
        if (this.entries.get(key) === loading) this.store(key, answer);
      },
      () => {
        if (this.entries.get(key) === loading) this.entries.delete(key);
      },
    );
    return answer;
  }

  private store(key: string, answer: Promise<Answer>): void {
    if (this.ttlMs <= 0) {
      this.entries.delete(key);
      return;
    }
    const now = Date.now();
    this.entries.set(key, {
      answer,
      freshUntil: now + this.ttlMs,
      staleUntil: now + this.ttlMs + STALE_GRACE_MS,
      refreshing: false,
    });
  }
}
