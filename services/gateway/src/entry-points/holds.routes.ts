import { AppError, holdBodyV1 } from '@otk/contracts';
import type { Broker } from '@otk/messaging';
import { Router } from 'express';
import { parseInput } from './validate.js';

/** Printable ASCII, as clients put UUIDs or similar keys into the header. */
const idempotencyKeyPattern = /^[\x21-\x7e]{1,200}$/;

/**
 * Patient-facing hold API: a provisional request holds a slot (F7). A client that retries after a
 * lost answer sends the same Idempotency-Key and gets the same hold back. The client's address
 * travels along for the open-hold limits per address (D4).
 */
export function holdsRoutes(broker: Broker, rpcTimeoutMs: number): Router {
  const router = Router();
  router.post('/holds', async (req, res) => {
    const body = parseInput(holdBodyV1, req.body);
    const idempotencyKey = req.get('idempotency-key');
    if (idempotencyKey !== undefined && !idempotencyKeyPattern.test(idempotencyKey)) {
      throw new AppError('VALIDATION_FAILED', 'the Idempotency-Key header must be 1–200 printable characters', {
        fields: [{ path: 'Idempotency-Key', message: 'invalid' }],
      });
    }
    const reply = await broker.call(
      'hold.place',
      { ...body, idempotencyKey, clientAddress: req.ip },
      { timeoutMs: rpcTimeoutMs },
    );
    res.status(201).json(reply);
  });
  return router;
}
