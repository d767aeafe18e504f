/**
 * Run as its own process by untrusted-error.int.spec.ts: consumes `queue` with the Broker's
 * defaults. `crash`: the handler throws an untrusted error (a broken invariant), so the process
 * must end on its own, non-zero. `steady`: the handler prints the event it got and the process
 * closes and exits 0, as the restarted process would.
 */
import { AppError } from '@otk/contracts';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { Broker, done } from '../../src/index.js';

const [url, queue, mode] = process.argv.slice(2);
if (!url || !queue || (mode !== 'crash' && mode !== 'steady')) {
  throw new Error('usage: untrusted-consumer.ts <amqp url> <queue> crash|steady');
}
const broker = new Broker({
  url,
  service: `untrusted-consumer-${mode}`,
  logger: pino({ level: 'silent' }),
  registry: new Registry(),
});
await broker.waitUntilConnected();
await broker.consumeEvents({
  queue,
  routingKeys: ['booking.held'],
  handlers: {
    'booking.held': async (event) => {
      if (mode === 'crash') {
        throw new AppError('INTERNAL', 'invariant broken: a held booking without a hold', { id: event.id }, false);
      }
      process.stdout.write(`handled ${event.id}\n`);
      setImmediate(() => void broker.close().then(() => process.exit(0)));
      return done();
    },
  },
});
process.stdout.write('consuming\n');
