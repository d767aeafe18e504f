import { changeBookingRequestV1, confirmBookingRequestV1 } from '@otk/contracts';
import type { Broker } from '@otk/messaging';
import { type Response, Router } from 'express';
import { parseInput } from './validate.js';

/** Every booking step carries a link token: a body with only `token`. */
const tokenBody = confirmBookingRequestV1;

/** Answers that reveal a booking (or a place on the waiting list) are never cached and never leak the link in a Referer. */
export function privately(res: Response): Response {
  return res.set({ 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' });
}

/**
 * Patient-facing booking API behind the links of the messages: confirm or withdraw a provisional
 * request (confirm token, F8); show, change or cancel a booking (manage token, F9); stop the
 * reminders (the opt-out token of a reminder, which notification issued and checks).
 */
export function bookingsRoutes(broker: Broker, rpcTimeoutMs: number): Router {
  const router = Router();
  const options = { timeoutMs: rpcTimeoutMs };

  router.post('/bookings/confirm', async (req, res) => {
    const reply = await broker.call('booking.confirm', parseInput(tokenBody, req.body), options);
    privately(res).status(200).json(reply);
  });

  router.post('/bookings/withdraw', async (req, res) => {
    const reply = await broker.call('booking.withdraw', parseInput(tokenBody, req.body), options);
    privately(res).status(200).json(reply);
  });

  router.get('/bookings/manage', async (req, res) => {
    const reply = await broker.call('booking.get', parseInput(tokenBody, { token: req.query.token }), options);
    privately(res).status(200).json(reply);
  });

  router.post('/bookings/change', async (req, res) => {
    const reply = await broker.call('booking.change', parseInput(changeBookingRequestV1, req.body), options);
    privately(res).status(200).json(reply);
  });

  router.post('/bookings/cancel', async (req, res) => {
    const reply = await broker.call('booking.cancel', parseInput(tokenBody, req.body), options);
    privately(res).status(200).json(reply);
  });

  router.post('/reminders/opt-out', async (req, res) => {
    const reply = await broker.call('notification.optOutReminders', parseInput(tokenBody, req.body), options);
    privately(res).status(200).json(reply);
  });

  return router;
}
