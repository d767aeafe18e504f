import type { Broker } from '@otk/messaging';
import type pg from 'pg';
import { placeHold } from '../domain/place-hold.use-case.js';

export async function serveHoldCommands(
  broker: Broker,
  pool: pg.Pool,
  confirmationWindowSeconds: number,
): Promise<void> {
  await broker.serveCommand('hold.place', (request) => placeHold(pool, request, { confirmationWindowSeconds }));
}
