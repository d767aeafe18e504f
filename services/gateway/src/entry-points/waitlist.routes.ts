import { joinWaitlistBodyV1, waitlistTokenRequestV1 } from '@otk/contracts';
import type { Broker } from '@otk/messaging';
import { Router } from 'express';
import { privately } from './bookings.routes.js';
import { parseInput } from './validate.js';

/**
 * The waiting list (ADR 26): join it (stage 1 of the double opt-in; the client's address goes
 * along for the limits per address), then the steps behind the links of the messages — confirm
 * the place, leave the list, see an offered slot and book it.
 */
export function waitlistRoutes(broker: Broker, rpcTimeoutMs: number): Router {
  const router = Router();
  const options = { timeoutMs: rpcTimeoutMs };

  router.post('/waitlist', async (req, res) => {
    const body = parseInput(joinWaitlistBodyV1, req.body);
    const reply = await broker.call('waitlist.join', { ...body, clientAddress: req.ip }, options);
    res.status(201).json(reply);
  });

  router.post('/waitlist/confirm', async (req, res) => {
    const reply = await broker.call('waitlist.confirm', parseInput(waitlistTokenRequestV1, req.body), options);
    privately(res).status(200).json(reply);
  });

  router.post('/waitlist/leave', async (req, res) => {
    const reply = await broker.call('waitlist.leave', parseInput(waitlistTokenRequestV1, req.body), options);
    privately(res).status(200).json(reply);
  });

  router.get('/waitlist/offer', async (req, res) => {
    const request = parseInput(waitlistTokenRequestV1, { token: req.query.token });
    const reply = await broker.call('waitlist.getOffer', request, options);
    privately(res).status(200).json(reply);
  });

  router.post('/waitlist/offer/accept', async (req, res) => {
    const { token } = parseInput(waitlistTokenRequestV1, req.body);
    const reply = await broker.call('waitlist.acceptOffer', { token, clientAddress: req.ip }, options);
    privately(res).status(200).json(reply);
  });

  return router;
}
