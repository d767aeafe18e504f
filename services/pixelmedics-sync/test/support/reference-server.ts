import express, { type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import { PracticeSystemRejection, type PracticeSystem } from '../../src/domain/practice-system.port.js';
import {
  calendarEntrySchema,
  contactDataSchema,
  noteSchema,
} from '../../src/data-access/practice-system.http-contract.js';

/**
 * A reference implementation of the connector contract (docs/api/practice-system.openapi.json)
 * over any PracticeSystem — in practice the built-in one. Connector authors compare their
 * implementation with it; the tests run the whole sync suite through it.
 */
export function createReferenceServer(practice: PracticeSystem, apiKey: string): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: '64kb' }));
  app.use((req, res, next) => {
    if (req.headers.authorization !== `Bearer ${apiKey}`) {
      res.status(401).json({ code: 'UNAUTHORIZED', message: 'a valid API key is required' });
      return;
    }
    next();
  });

  const idempotencyKey = (req: Request): string => {
    const key = req.header('idempotency-key');
    if (!key) throw new BadRequest('the Idempotency-Key header is required on writes');
    return key;
  };
  const param = (req: Request, name: string): string => String(req.params[name]);

  app.get('/v1/catalogue', async (_req, res) => {
    res.json(await practice.readCatalogue());
  });
  app.get('/v1/busy-times', async (req, res) => {
    const query = parse(
      z.object({ from: z.iso.datetime({ offset: true }), to: z.iso.datetime({ offset: true }) }),
      req.query,
    );
    res.json({ busyTimes: await practice.readBusyTimes(new Date(query.from), new Date(query.to)) });
  });
  app.get('/v1/contacts', async (req, res) => {
    const query = parse(z.object({ lastName: z.string(), firstName: z.string(), birthDate: z.iso.date() }), req.query);
    res.json({ contacts: await practice.findContacts(query) });
  });
  app.post('/v1/prospects', async (req, res) => {
    res.status(201).json(await practice.createProspect(parse(contactDataSchema, req.body), idempotencyKey(req)));
  });
  app.post('/v1/contacts/:id/notes', async (req, res) => {
    await practice.appendNote(param(req, 'id'), parse(noteSchema, req.body).text, idempotencyKey(req));
    res.status(204).end();
  });
  app.put('/v1/contacts/:id/groups/:group', async (req, res) => {
    await practice.addToPatientGroup(param(req, 'id'), param(req, 'group'), idempotencyKey(req));
    res.status(204).end();
  });
  app.post('/v1/calendar-entries', async (req, res) => {
    res.status(201).json(await practice.createCalendarEntry(parse(calendarEntrySchema, req.body), idempotencyKey(req)));
  });
  app.put('/v1/calendar-entries/:id', async (req, res) => {
    await practice.updateCalendarEntry(param(req, 'id'), parse(calendarEntrySchema, req.body), idempotencyKey(req));
    res.status(204).end();
  });
  app.delete('/v1/calendar-entries/:id', async (req, res) => {
    await practice.deleteCalendarEntry(param(req, 'id'), idempotencyKey(req));
    res.status(204).end();
  });

  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (error instanceof BadRequest) res.status(400).json({ code: 'VALIDATION_FAILED', message: error.message });
    else if (error instanceof PracticeSystemRejection)
      res.status(422).json({ code: 'REJECTED', message: error.message });
    else res.status(500).json({ code: 'INTERNAL', message: 'the practice system failed' });
  });
  return app;
}

class BadRequest extends Error {}

function parse<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw new BadRequest(z.prettifyError(result.error));
  return result.data;
}
