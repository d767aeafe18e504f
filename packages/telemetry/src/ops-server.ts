import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import type { Metrics } from './metrics.js';
import { routeOf, tracingMiddleware } from './tracing.js';

/** A readiness check: resolves when the dependency is reachable, rejects (or times out) when not. */
export type ReadinessCheck = () => Promise<void> | void;

/**
 * The management app every service has, on its own port (MANAGEMENT_PORT) that no ingress routes:
 * `/healthz` (the process is alive), `/readyz` (its database and broker are reachable), `/metrics`
 * (Prometheus text). Probes are not traced: a span per kubelet probe would only be noise.
 */
export function createHttpApp(options: {
  metrics: Metrics;
  checks: Record<string, ReadinessCheck>;
  logger: Logger;
}): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  app.use(metricsMiddleware(options.metrics));

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  app.get('/readyz', async (_req, res) => {
    const results = await Promise.all(
      Object.entries(options.checks).map(async ([name, check]) => {
        try {
          await withTimeout(Promise.resolve(check()), 2000);
          return [name, 'ok'] as const;
        } catch (error) {
          options.logger.warn({ check: name, err: error }, 'readiness check failed');
          return [name, 'failing'] as const;
        }
      }),
    );
    const ready = results.every(([, state]) => state === 'ok');
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', checks: Object.fromEntries(results) });
  });

  app.get('/metrics', async (_req, res) => {
    res.type(options.metrics.registry.contentType).send(await options.metrics.registry.metrics());
  });

  return app;
}

/**
 * The app a service serves its own routes on (PORT; the gateway's public API), traced and timed.
 * It has no health or metrics routes: those stay on the management app.
 */
export function createServiceApp(options: { metrics: Metrics }): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  app.use(tracingMiddleware());
  app.use(metricsMiddleware(options.metrics));
  return app;
}

function metricsMiddleware(metrics: Metrics) {
  return (req: Request, res: Response, next: NextFunction) => {
    const stop = metrics.httpRequestDuration.startTimer();
    res.on('finish', () => {
      stop({ method: req.method, route: routeOf(req), status_code: String(res.statusCode) });
    });
    next();
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

/** Listens on host:port (port 0 picks a free one) and resolves with the bound port. */
export async function listen(app: Express, port: number, host = '0.0.0.0'): Promise<{ server: Server; port: number }> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host, (error?: Error) => {
      if (error) reject(error);
      else resolve({ server, port: (server.address() as AddressInfo).port });
    });
  });
}
