import { placeHoldRequestV1 } from '@otk/contracts';
import type { Broker } from '@otk/messaging';
import { Router } from 'express';
import { parseInput } from './validate.js';

/** Patient-facing hold API: a provisional request holds a slot (F7). */
export function holdsRoutes(broker: Broker, rpcTimeoutMs: number): Router {
  const router = Router();
  router.post('/holds', async (req, res) => {
    const request = parseInput(placeHoldRequestV1, req.body);
    const reply = await broker.call('hold.place', request, { timeoutMs: rpcTimeoutMs });
    res.status(201).location(`/api/v1/bookings/${reply.bookingId}`).json(reply);
  });
  return router;
}
