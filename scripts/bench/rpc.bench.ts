/**
 * `npm run bench:rpc`: one RPC round trip over RabbitMQ by the size of its answer, on a vhost of
 * its own. Larger answers once waited ~40 ms for the peer's delayed acknowledgement (Nagle's
 * algorithm on the AMQP socket); this shows whether they still do.
 * Prints, per answer size, p50, p90 and p99 of BENCH_CALLS sequential calls (default 200).
 */
import { performance } from 'node:perf_hooks';
import type { CommandReply, CommandRequest } from '@otk/contracts';
import { createTestVhost } from '@otk/test-kit';
import { TestBrokers } from '../../packages/messaging/test/support/brokers.js';
import { percentile } from './support/latency.js';

const calls = Number(process.env.BENCH_CALLS ?? 200);

/** One day of `count` quarter-hour slots, as availability answers it. */
function dayOfSlots(count: number): CommandReply<'availability.listSlots'> {
  const at = (minutes: number) =>
    `2026-12-01T${String(8 + Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}:00+01:00`;
  const slots = Array.from({ length: count }, (_, i) => ({
    start: at(i * 15),
    end: at(i * 15 + 15),
    practitionerId: 'dr-muster',
  }));
  return { timeZone: 'Europe/Zurich', days: [{ date: '2026-12-01', slots }] };
}

const request: CommandRequest<'availability.listSlots'> = {
  appointmentTypeId: 'checkup',
  practitionerId: 'any',
  from: '2026-12-01',
  to: '2026-12-01',
};

const vhost = await createTestVhost();
const brokers = new TestBrokers(vhost.url);
try {
  const { broker: server } = await brokers.connect();
  const { broker: client } = await brokers.connect();
  let answer = dayOfSlots(1);
  await server.serveCommand('availability.listSlots', async () => answer);
  for (const count of [4, 16, 24, 32, 40]) {
    answer = dayOfSlots(count);
    for (let i = 0; i < 10; i++) await client.call('availability.listSlots', request); // warm-up
    const times: number[] = [];
    for (let i = 0; i < calls; i++) {
      const started = performance.now();
      await client.call('availability.listSlots', request);
      times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    const bytes = Buffer.byteLength(JSON.stringify(answer));
    process.stdout.write(
      `rpc answer ${bytes} B: p50=${percentile(times, 50).toFixed(1)} ms p90=${percentile(times, 90).toFixed(1)} ms ` +
        `p99=${percentile(times, 99).toFixed(1)} ms (${calls} calls)\n`,
    );
  }
} finally {
  await brokers.closeAll();
  await vhost.remove();
}
