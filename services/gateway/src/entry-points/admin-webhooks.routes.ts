import { addWebhookRequestV1, rotateWebhookSecretRequestV1 } from '@otk/contracts';
import { Router } from 'express';
import { z } from 'zod';
import { type ConsoleRpcDeps, auditFor } from './admin-auth.js';
import { parseInput } from './validate.js';

const endpointParams = z.object({ id: z.uuid() });
const rotateBody = rotateWebhookSecretRequestV1.pick({ graceHours: true }).strict();

/**
 * The practice's webhook endpoints for admins (ADR 34), kept by notification: the list with
 * state and recent deliveries, adding one, switching one on or off, and a new signing secret
 * (answered once). Every change goes to the audit log — the URL not, as its query may hold a key.
 */
export function adminWebhooksRoutes(deps: ConsoleRpcDeps): Router {
  const { broker } = deps;
  const options = { timeoutMs: deps.rpcTimeoutMs };
  const audit = auditFor(deps.pool);
  const adminOnly = deps.guard({ roles: ['admin'] });
  const router = Router();

  router.get('/webhooks', adminOnly, async (_req, res) => {
    res.status(200).json(await broker.call('notification.listWebhooks', {}, options));
  });

  router.post('/webhooks', adminOnly, async (req, res) => {
    const reply = await broker.call('notification.addWebhook', parseInput(addWebhookRequestV1, req.body), options);
    const { id, events, personalData } = reply.endpoint;
    await audit(req, res, { action: 'webhook.add', target: id, details: { events, personalData } });
    res.status(201).json(reply);
  });

  for (const [path, enabled] of [
    ['enable', true],
    ['disable', false],
  ] as const) {
    router.post(`/webhooks/:id/${path}`, adminOnly, async (req, res) => {
      const { id } = parseInput(endpointParams, req.params);
      const reply = await broker.call('notification.setWebhookEnabled', { id, enabled }, options);
      await audit(req, res, { action: `webhook.${path}`, target: id });
      res.status(200).json(reply);
    });
  }

  router.post('/webhooks/:id/rotate-secret', adminOnly, async (req, res) => {
    const { id } = parseInput(endpointParams, req.params);
    const { graceHours } = parseInput(rotateBody, req.body ?? {});
    const reply = await broker.call('notification.rotateWebhookSecret', { id, graceHours }, options);
    await audit(req, res, { action: 'webhook.rotate-secret', target: id, details: { graceHours } });
    res.status(200).json(reply);
  });

  return router;
}
