/**
 * Run as its own process by shutdown.int.spec.ts: uses every part of the Broker, closes it, and
 * then must exit on its own — anything left holding the event loop (a timer, a socket) keeps it
 * running and fails the test.
 */
import type { AppError } from '@otk/contracts';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { Broker, done } from '../../src/index.js';
import { bookingHeld, placeHoldReply, placeHoldRequest } from './factories.js';

const url = process.argv[2];
if (!url) throw new Error('usage: use-and-close.ts <amqp url>');
const broker = new Broker({
  url,
  service: 'use-and-close',
  logger: pino({ level: 'silent' }),
  registry: new Registry(),
});
await broker.waitUntilConnected();
let handled = 0;
await broker.consumeEvents({
  queue: 'test.use-and-close',
  routingKeys: ['booking.held'],
  retryDelaysMs: [100],
  handlers: {
    'booking.held': async () => {
      handled += 1;
      return done();
    },
  },
});
// A request for 'stuck' never gets an answer: its handler hangs, and the call waits.
await broker.serveCommand('hold.place', (request) =>
  request.practitionerId === 'stuck' ? new Promise<never>(() => undefined) : Promise.resolve(placeHoldReply()),
);
await broker.publish(bookingHeld());
await broker.publishDelayed(bookingHeld(), 60000);
await broker.call('hold.place', placeHoldRequest());
const pending = broker
  .call('hold.place', placeHoldRequest({ practitionerId: 'stuck' }), { timeoutMs: 60000 })
  .catch((error: AppError) => error.code);
while (handled === 0) await new Promise((resolve) => setTimeout(resolve, 20));
await broker.close(200);
process.stdout.write(`closed; pending call: ${await pending}\n`);
