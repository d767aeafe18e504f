import { expect } from 'chai';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { type Response, Router } from 'express';
import { createMetrics } from './metrics.js';
import { createHttpApp, createServiceApp, listen } from './ops-server.js';

describe('ops server', () => {
  const logger = pino({ level: 'silent' });

  async function serve(checks: Parameters<typeof createHttpApp>[0]['checks']) {
    const app = createHttpApp({ metrics: createMetrics('test-service'), checks, logger });
    const { server, port } = await listen(app, 0, '127.0.0.1');
    return { base: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(resolve)) };
  }

  it('when every check passes, then /readyz answers 200 and /healthz 200', async () => {
    const { base, close } = await serve({ database: () => undefined, broker: async () => undefined });
    try {
      expect((await fetch(`${base}/healthz`)).status).to.equal(200);
      const ready = await fetch(`${base}/readyz`);
      expect(ready.status).to.equal(200);
      expect(await ready.json()).to.deep.equal({ status: 'ready', checks: { database: 'ok', broker: 'ok' } });
    } finally {
      await close();
    }
  });

  it('when a check fails, then /readyz answers 503 naming it while /healthz stays 200', async () => {
    const { base, close } = await serve({
      database: () => undefined,
      broker: () => {
        throw new Error('down');
      },
    });
    try {
      expect((await fetch(`${base}/healthz`)).status).to.equal(200);
      const ready = await fetch(`${base}/readyz`);
      expect(ready.status).to.equal(503);
      expect(await ready.json()).to.deep.equal({ status: 'not ready', checks: { database: 'ok', broker: 'failing' } });
    } finally {
      await close();
    }
  });

  it('when a readiness check fails and recovers, then service_ready follows it at each scrape', async () => {
    let brokerUp = false;
    const { base, close } = await serve({
      database: () => undefined,
      broker: () => {
        if (!brokerUp) throw new Error('down');
      },
    });
    try {
      expect(await (await fetch(`${base}/metrics`)).text()).to.include('service_ready{service="test-service"} 0');
      brokerUp = true;
      expect(await (await fetch(`${base}/metrics`)).text()).to.include('service_ready{service="test-service"} 1');
    } finally {
      await close();
    }
  });

  it('when scraped, then /metrics carries the service label and request durations by route template', async () => {
    const { base, close } = await serve({});
    try {
      await fetch(`${base}/healthz`);
      const text = await (await fetch(`${base}/metrics`)).text();
      expect(text).to.include('process_cpu_user_seconds_total{service="test-service"}');
      expect(text).to.match(/http_request_duration_seconds_count\{[^}]*route="\/healthz"[^}]*\} 1/);
    } finally {
      await close();
    }
  });

  it('when a service app has its routes, then it answers them and not /healthz, /readyz or /metrics, which it still counts', async () => {
    const metrics = createMetrics('test-service');
    const app = createServiceApp({ metrics, logger });
    app.get('/api/v1/ping', (_req, res) => {
      res.json({ pong: true });
    });
    const { server, port } = await listen(app, 0, '127.0.0.1');
    try {
      const base = `http://127.0.0.1:${port}`;
      expect((await fetch(`${base}/api/v1/ping`)).status).to.equal(200);
      for (const path of ['/healthz', '/readyz', '/metrics'])
        expect((await fetch(`${base}${path}`)).status, path).to.equal(404);
      expect(await metrics.registry.metrics()).to.match(
        /http_request_duration_seconds_count\{[^}]*route="\/api\/v1\/ping"[^}]*\} 1/,
      );
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('when a route of a mounted router answers 5xx through the error handler, then the metric has its one full route label and the answer is logged with the request id', async () => {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
        done();
      },
    });
    const metrics = createMetrics('test-service');
    const app = createServiceApp({ metrics, logger: pino(sink) });
    const api = Router();
    api.post('/holds/:id', async (req, res) => {
      if (req.params.id === 'fail') throw new Error('down');
      res.status(201).json({});
    });
    app.use('/api/v1', api);
    app.use((_error: unknown, _req: unknown, res: Response, _next: unknown) => {
      res.locals.errorCode = 'UNAVAILABLE';
      res.status(503).json({ code: 'UNAVAILABLE' });
    });
    const { server, port } = await listen(app, 0, '127.0.0.1');
    try {
      const base = `http://127.0.0.1:${port}/api/v1/holds`;
      expect((await fetch(`${base}/ok`, { method: 'POST' })).status).to.equal(201);
      const failed = await fetch(`${base}/fail`, { method: 'POST', headers: { 'x-request-id': 'req-1' } });
      expect(failed.status).to.equal(503);
      expect(failed.headers.get('x-request-id')).to.equal('req-1');

      const text = await metrics.registry.metrics();
      const routes = [...text.matchAll(/http_request_duration_seconds_count\{[^}]*route="([^"]+)"/g)].map((m) => m[1]);
      expect(new Set(routes)).to.deep.equal(new Set(['/api/v1/holds/:id']));
      const logged = lines.find((line) => line.msg === 'request answered with a server error');
      expect(logged).to.include({ requestId: 'req-1', route: '/api/v1/holds/:id', status: 503, code: 'UNAVAILABLE' });
      expect(JSON.stringify(logged)).to.not.include('fail');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
