import { connect } from 'node:net';
import { runMigrations } from '@otk/db';
import { type RunningService, startService } from '@otk/runtime';
import { type TestDatabase, type TestVhost, createTestDatabase, createTestVhost } from '@otk/test-kit';
import { expect } from 'chai';
import { pino } from 'pino';
import { migrations } from '../src/data-access/migrations.js';
import { gateway } from '../src/service.js';

const logger = pino({ level: 'silent' });
const REQUEST_TIMEOUT_MS = 1000;
const KEEP_ALIVE_TIMEOUT_MS = 500;

/** What came back on a raw socket, and how long until the server closed it. */
async function rawExchange(port: number, send: string, keepSending?: string): Promise<{ text: string; ms: number }> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(send));
    let text = '';
    // A slow client: a byte now and then, never the whole body.
    const drip = keepSending ? setInterval(() => socket.writable && socket.write(keepSending), 200) : undefined;
    socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearInterval(drip);
      resolve({ text, ms: Date.now() - started });
    });
    setTimeout(() => {
      socket.destroy();
      reject(new Error(`the server kept the connection open for 10 s; got ${JSON.stringify(text.slice(0, 200))}`));
    }, 10000).unref();
  });
}

/** The JSON body of a raw HTTP answer. */
const bodyOf = (text: string) => JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4)) as { code: string };

describe('gateway at the HTTP edge: status codes, limits and timeouts of the public port', function () {
  this.timeout(30000);
  let db: TestDatabase;
  let vhost: TestVhost;
  let service: RunningService;
  let base: string;

  before(async () => {
    [db, vhost] = await Promise.all([createTestDatabase(), createTestVhost()]);
    await runMigrations({ databaseUrl: db.url, set: migrations, logger });
    service = await startService(gateway, {
      DATABASE_URL: db.url,
      AMQP_URL: vhost.url,
      PORT: '0',
      MANAGEMENT_PORT: '0',
      LOG_LEVEL: 'silent',
      HOST: '127.0.0.1',
      RATE_LIMIT_ENABLED: 'false',
      HTTP_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
      HTTP_HEADERS_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
      HTTP_KEEP_ALIVE_TIMEOUT_MS: String(KEEP_ALIVE_TIMEOUT_MS),
    });
    base = `http://127.0.0.1:${service.port}/api/v1`;
  });

  after(async () => {
    await service?.stop();
    await Promise.allSettled([db?.drop(), vhost?.remove()]);
  });

  it('when a body is larger than the limit, then 413 PAYLOAD_TOO_LARGE, not 400', async () => {
    const response = await fetch(`${base}/holds`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ padding: 'x'.repeat(20_000) }),
    });
    expect(response.status).to.equal(413);
    expect(await response.json()).to.include({ code: 'PAYLOAD_TOO_LARGE' });
  });

  it('when a POST body is not JSON, then 415 UNSUPPORTED_MEDIA_TYPE, not "expected object, received undefined"', async () => {
    for (const [type, body] of [
      ['text/plain', '{"token":"abc"}'],
      ['application/x-www-form-urlencoded', 'token=abc'],
      ['multipart/form-data; boundary=x', '--x--'],
    ] as const) {
      const response = await fetch(`${base}/bookings/confirm`, {
        method: 'POST',
        headers: { 'content-type': type },
        body,
      });
      expect(response.status, type).to.equal(415);
      const answer = (await response.json()) as { code: string; message: string };
      expect(answer.code, type).to.equal('UNSUPPORTED_MEDIA_TYPE');
      expect(answer.message).not.to.include('undefined');
    }
  });

  it('when a JSON body comes in another charset or compressed, then 415 UNSUPPORTED_MEDIA_TYPE', async () => {
    const latin1 = await fetch(`${base}/holds`, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=latin1' },
      body: '{}',
    });
    expect(latin1.status).to.equal(415);
    expect(await latin1.json()).to.include({ code: 'UNSUPPORTED_MEDIA_TYPE' });
    const compressed = await fetch(`${base}/holds`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-encoding': 'br' },
      body: '{}',
    });
    expect(compressed.status).to.equal(415);
  });

  it('when a known path is asked with a wrong method, then 405 METHOD_NOT_ALLOWED with Allow', async () => {
    const deleteHolds = await fetch(`${base}/holds`, { method: 'DELETE' });
    expect(deleteHolds.status).to.equal(405);
    expect(deleteHolds.headers.get('allow')).to.equal('POST');
    expect(await deleteHolds.json()).to.include({ code: 'METHOD_NOT_ALLOWED' });

    const postPractice = await fetch(`${base}/practice`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(postPractice.status).to.equal(405);
    expect(postPractice.headers.get('allow')).to.equal('GET, HEAD');

    const getConfirm = await fetch(`${base}/bookings/confirm`);
    expect(getConfirm.status).to.equal(405);
    expect(getConfirm.headers.get('allow')).to.equal('POST');
  });

  it('when OPTIONS asks about a known path, then 204 with Allow; an unknown path stays 404 NOT_FOUND whatever its body', async () => {
    const options = await fetch(`${base}/holds`, { method: 'OPTIONS' });
    expect(options.status).to.equal(204);
    expect(options.headers.get('allow')).to.equal('POST');
    const unknown = await fetch(`${base}/no-such-thing`, { method: 'DELETE' });
    expect(unknown.status).to.equal(404);
    expect(await unknown.json()).to.include({ code: 'NOT_FOUND' });
    const unknownWithBadBody = await fetch(`${base}/no-such-thing`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: '{"a":',
    });
    expect(unknownWithBadBody.status).to.equal(404);
  });

  it('when the headers are larger than the server accepts, then 431 HEADERS_TOO_LARGE in the error shape', async () => {
    const { text } = await rawExchange(
      service.port,
      `GET /api/v1/practice HTTP/1.1\r\nHost: x\r\nX-Padding: ${'a'.repeat(20_000)}\r\n\r\n`,
    );
    expect(text).to.match(/^HTTP\/1\.1 431 /);
    expect(text.toLowerCase()).to.include('x-content-type-options: nosniff');
    expect(bodyOf(text).code).to.equal('HEADERS_TOO_LARGE');
  });

  it('when a request body stops arriving, then 408 REQUEST_TIMEOUT and the connection closes within the request timeout, not 30 s', async () => {
    const { text, ms } = await rawExchange(
      service.port,
      'POST /api/v1/holds HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"a":',
      ' ',
    );
    expect(text).to.match(/^HTTP\/1\.1 408 /);
    expect(bodyOf(text).code).to.equal('REQUEST_TIMEOUT');
    // The timeout plus Node's one-second check interval, with room for a busy machine.
    expect(ms).to.be.below(REQUEST_TIMEOUT_MS + 2500);
  });

  it('when the headers never end, then 408 REQUEST_TIMEOUT within the headers timeout', async () => {
    const { text, ms } = await rawExchange(service.port, 'GET /api/v1/practice HTTP/1.1\r\nHost: x\r\n', 'X-A: b\r\n');
    expect(text).to.match(/^HTTP\/1\.1 408 /);
    expect(ms).to.be.below(REQUEST_TIMEOUT_MS + 2500);
  });

  it('when a keep-alive connection idles, then the server closes it after the keep-alive timeout', async () => {
    const { text, ms } = await rawExchange(
      service.port,
      'GET /api/v1/no-such-thing HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n',
    );
    expect(text).to.match(/^HTTP\/1\.1 404 /);
    expect(ms).to.be.within(KEEP_ALIVE_TIMEOUT_MS - 100, KEEP_ALIVE_TIMEOUT_MS + 2500);
  });

  it('when the request is not valid HTTP, then 400 in the error shape', async () => {
    const { text } = await rawExchange(service.port, 'GARBAGE\r\n\r\n');
    expect(text).to.match(/^HTTP\/1\.1 400 /);
    expect(bodyOf(text).code).to.equal('VALIDATION_FAILED');
  });

  it('when the API answers anything, then nosniff, a CSP for JSON, no Referer and no-store come with it', async () => {
    const answers = [
      await fetch(`${base}/holds`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }),
      await fetch(`${base}/bookings/manage?token=x`),
      await fetch(`${base}/no-such-thing`),
      await fetch(`http://127.0.0.1:${service.port}/`),
    ];
    for (const answer of answers) {
      const where = `${answer.url} ${answer.status}`;
      expect(answer.headers.get('x-content-type-options'), where).to.equal('nosniff');
      expect(answer.headers.get('content-security-policy'), where).to.equal(
        "default-src 'none';frame-ancestors 'none'",
      );
      expect(answer.headers.get('referrer-policy'), where).to.equal('no-referrer');
      expect(answer.headers.get('x-frame-options'), where).to.equal('DENY');
      expect(answer.headers.get('x-powered-by'), where).to.equal(null);
    }
    for (const answer of answers.slice(0, 3)) expect(answer.headers.get('cache-control')).to.equal('no-store');
  });
});
