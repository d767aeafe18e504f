import { runMigrations } from '@otk/db';
import { type RunningService, startService } from '@otk/runtime';
import { type TestDatabase, type TestVhost, createTestDatabase, createTestVhost, startTcpProxy } from '@otk/test-kit';
import { expect } from 'chai';
import { pino } from 'pino';
import { migrations } from '../src/data-access/migrations.js';
import { gateway } from '../src/service.js';

const logger = pino({ level: 'silent' });
const BOOKING_STEPS_PER_MINUTE = 6;
const READS_PER_MINUTE = 20;

describe('gateway rate limits per client address and route family, shared by all replicas', function () {
  this.timeout(30000);
  let db: TestDatabase;
  let vhost: TestVhost;
  const replicas: RunningService[] = [];

  const startGateway = (databaseUrl: string) =>
    startService(gateway, {
      DATABASE_URL: databaseUrl,
      AMQP_URL: vhost.url,
      PORT: '0',
      MANAGEMENT_PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      // As behind the chart's ingress: the client is the address the one proxy saw.
      TRUST_PROXY_HOPS: '1',
      RATE_LIMIT_BOOKING_STEPS_PER_MINUTE: String(BOOKING_STEPS_PER_MINUTE),
      RATE_LIMIT_READS_PER_MINUTE: String(READS_PER_MINUTE),
    });

  before(async () => {
    [db, vhost] = await Promise.all([createTestDatabase(), createTestVhost()]);
    await runMigrations({ databaseUrl: db.url, set: migrations, logger });
    for (let i = 0; i < 2; i++) replicas.push(await startGateway(db.url));
  });

  after(async () => {
    await Promise.all(replicas.map((replica) => replica.stop()));
    await Promise.allSettled([db?.drop(), vhost?.remove()]);
  });

  /** A booking step refused for its body (no service behind the gateway is asked), from `client`, on replica `i`. */
  const confirm = (i: number, client: string) =>
    fetch(`http://127.0.0.1:${replicas[i % 2]!.port}/api/v1/bookings/confirm`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': client },
      body: '{}',
    });

  it('when one address exceeds a family limit across two gateways sharing the database, then 429 RATE_LIMITED with Retry-After', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < BOOKING_STEPS_PER_MINUTE; i++) statuses.push((await confirm(i, '203.0.113.7')).status);
    expect(statuses).to.deep.equal(Array(BOOKING_STEPS_PER_MINUTE).fill(400));

    for (let i = 0; i < 2; i++) {
      const refused = await confirm(i, '203.0.113.7');
      expect(refused.status, `replica ${i}`).to.equal(429);
      const seconds = Number(refused.headers.get('retry-after'));
      expect(seconds).to.be.within(1, 60);
      expect(await refused.json()).to.deep.include({ code: 'RATE_LIMITED', details: { retryAfterSeconds: seconds } });
    }
  });

  it('when one address is limited, then another address and another family of the same address are not', async () => {
    for (let i = 0; i <= BOOKING_STEPS_PER_MINUTE; i++) await confirm(i, '203.0.113.8');
    expect((await confirm(0, '203.0.113.8')).status).to.equal(429);
    expect((await confirm(0, '203.0.113.9')).status).to.equal(400);
    const read = await fetch(`http://127.0.0.1:${replicas[1]!.port}/api/v1/no-such-read`, {
      headers: { 'x-forwarded-for': '203.0.113.8' },
    });
    expect(read.status).to.equal(404);
  });

  it('when many requests of one address arrive at both gateways at once, then no more than the limit pass', async () => {
    const answers = await Promise.all(
      Array.from({ length: READS_PER_MINUTE * 2 }, (_, i) =>
        fetch(`http://127.0.0.1:${replicas[i % 2]!.port}/api/v1/no-such-read`, {
          headers: { 'x-forwarded-for': '198.51.100.1' },
        }),
      ),
    );
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 404)).to.have.length(READS_PER_MINUTE);
    expect(statuses.filter((s) => s === 429)).to.have.length(READS_PER_MINUTE);
  });

  it('when the counters database cannot be reached, then requests are still answered at once and limited per replica', async () => {
    const proxy = await startTcpProxy(Number(new URL(db.url).port || 5432), new URL(db.url).hostname);
    const url = new URL(db.url);
    url.host = `127.0.0.1:${proxy.port}`;
    const cutOff = await startGateway(url.toString());
    try {
      proxy.cut();
      const statuses: number[] = [];
      for (let i = 0; i <= BOOKING_STEPS_PER_MINUTE; i++) {
        const started = Date.now();
        const answer = await fetch(`http://127.0.0.1:${cutOff.port}/api/v1/bookings/confirm`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-forwarded-for': '192.0.2.50' },
          body: '{}',
        });
        statuses.push(answer.status);
        expect(Date.now() - started, `request ${i}`).to.be.below(1500);
      }
      expect(statuses).to.deep.equal([...Array(BOOKING_STEPS_PER_MINUTE).fill(400), 429]);
    } finally {
      await cutOff.stop().catch(() => undefined);
      await proxy.stop();
    }
  });

  it('when counters are stored, then the client address is kept only as a hash', async () => {
    const { default: pg } = await import('pg');
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ key: string }>('SELECT key FROM gateway.rate_limits');
      expect(rows.length).to.be.greaterThan(0);
      expect(rows.map((r) => r.key).join(' ')).not.to.match(/203\.0\.113|198\.51\.100/);
    } finally {
      await client.end();
    }
  });
});
