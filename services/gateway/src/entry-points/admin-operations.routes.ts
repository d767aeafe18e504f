import {
  AppError,
  type DeadLetterService,
  deadLetterCommandNames,
  deadLetterServiceSchema,
  parkedSyncJobSchema,
} from '@otk/contracts';
import { Router } from 'express';
import { z } from 'zod';
import { type ConsoleRpcDeps, auditFor } from './admin-auth.js';
import { parseInput } from './validate.js';

const retryBody = z.object({ seq: parkedSyncJobSchema.shape.seq.optional() }).strict();
const replayBody = z.object({ service: deadLetterServiceSchema, queue: z.string().trim().min(1).max(100) }).strict();
/** How many parked messages of each queue the list shows (the oldest); the count covers all. */
const SHOWN_PER_QUEUE = 20;

/**
 * Work that stopped, for admins: the booking events the practice system refused (parked sync jobs)
 * and the messages each service's consumers gave up on (dead-letter queues). The owner of each
 * lists its own and carries out the retry; the console never sees a payload. Every retry goes to
 * the audit log.
 */
export function adminOperationsRoutes(deps: ConsoleRpcDeps): Router {
  const { broker } = deps;
  const options = { timeoutMs: deps.rpcTimeoutMs };
  const audit = auditFor(deps.pool);
  const adminOnly = deps.guard({ roles: ['admin'] });
  const router = Router();

  router.get('/parked-sync-jobs', adminOnly, async (_req, res) => {
    res.status(200).json(await broker.call('sync.listParkedJobs', {}, options));
  });

  router.post('/parked-sync-jobs/retry', adminOnly, async (req, res) => {
    const { seq } = parseInput(retryBody, req.body ?? {});
    const reply = await broker.call('sync.retryParkedJobs', { seq }, options);
    await audit(req, res, { action: 'sync-jobs.retry', target: seq ?? 'all', details: { retried: reply.retried } });
    res.status(200).json(reply);
  });

  // Each service answers for its own queues; one that is down is shown as such, not as empty.
  router.get('/dead-letters', adminOnly, async (_req, res) => {
    const services = Object.keys(deadLetterCommandNames) as DeadLetterService[];
    const answers = await Promise.allSettled(
      services.map((service) => broker.call(deadLetterCommandNames[service].list, { limit: SHOWN_PER_QUEUE }, options)),
    );
    res.status(200).json({
      services: answers.map((answer, i) =>
        answer.status === 'fulfilled'
          ? { service: services[i]!, available: true, queues: answer.value.queues }
          : { service: services[i]!, available: false, queues: [], code: codeOf(answer.reason) },
      ),
    });
  });

  router.post('/dead-letters/replay', adminOnly, async (req, res) => {
    const { service, queue } = parseInput(replayBody, req.body);
    const reply = await broker.call(deadLetterCommandNames[service].replay, { queue }, options);
    await audit(req, res, {
      action: 'dead-letters.replay',
      target: queue,
      details: { service, replayed: reply.replayed },
    });
    res.status(200).json(reply);
  });

  return router;
}

function codeOf(error: unknown): string {
  return error instanceof AppError ? error.code : 'INTERNAL';
}
