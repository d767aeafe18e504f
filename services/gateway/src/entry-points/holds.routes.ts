import { AppError, type RequirablePatientField, holdBodyV1, missingPatientFields } from '@otk/contracts';
import type { Broker } from '@otk/messaging';
import { Router } from 'express';
import { RecentlyTakenSlots } from '../domain/recently-taken-slots.js';
import { parseInput } from './validate.js';

/** Printable ASCII, as clients put UUIDs or similar keys into the header. */
const idempotencyKeyPattern = /^[\x21-\x7e]{1,200}$/;

/**
 * Patient-facing hold API: a provisional request holds a slot (F7). A client that retries after a
 * lost answer sends the same Idempotency-Key and gets the same hold back. The client's address
 * travels along for the open-hold limits per address (D4). A request without a key for a slot
 * hold-manager refused as taken a moment ago gets that refusal again at once (ADR 25). Which
 * patient fields are required is the practice's setting (F6), read from availability for every
 * request, so a change applies to the next one; requests that arrive while that read is on its way
 * share it (500 patients on one slot ask once, not 500 times).
 */
export function holdsRoutes(broker: Broker, config: { RPC_TIMEOUT_MS: number; TAKEN_SLOT_MEMORY_MS: number }): Router {
  const router = Router();
  const recentlyTaken = new RecentlyTakenSlots(config.TAKEN_SLOT_MEMORY_MS);
  const options = { timeoutMs: config.RPC_TIMEOUT_MS };
  let practiceRead: Promise<{ requiredPatientFields: RequirablePatientField[] }> | undefined;
  const requiredFields = async () => {
    practiceRead ??= broker.call('availability.getPractice', {}, options).finally(() => (practiceRead = undefined));
    return (await practiceRead).requiredPatientFields;
  };
  router.post('/holds', async (req, res) => {
    const body = parseInput(holdBodyV1, req.body);
    const idempotencyKey = req.get('idempotency-key');
    if (idempotencyKey !== undefined && !idempotencyKeyPattern.test(idempotencyKey)) {
      throw new AppError('VALIDATION_FAILED', 'the Idempotency-Key header must be 1–200 printable characters', {
        fields: [{ path: 'Idempotency-Key', message: 'invalid' }],
      });
    }
    if (idempotencyKey === undefined) {
      const refusal = recentlyTaken.refusalFor(body);
      if (refusal) throw refusal;
    }
    const missing = missingPatientFields(body.patient, await requiredFields());
    if (missing.length > 0) {
      throw new AppError('VALIDATION_FAILED', `the practice requires ${missing.join(', ')}`, {
        fields: missing.map((path) => ({ path, message: 'required by the practice' })),
      });
    }
    const reply = await broker
      .call('hold.place', { ...body, idempotencyKey, clientAddress: req.ip }, options)
      .catch((error: unknown) => {
        if (error instanceof AppError && error.code === 'SLOT_TAKEN') recentlyTaken.remember(body, error);
        throw error;
      });
    res.status(201).json(reply);
  });
  return router;
}
