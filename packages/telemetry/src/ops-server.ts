import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import { readinessGauge, type Metrics } from './metrics.js';
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
  app.use(metricsMiddleware(options.metrics, options.logger));

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  const readiness = (log: boolean) => checkReadiness(options.checks, log ? options.logger : undefined);
  // The same checks as /readyz, at every scrape: an alert sees a service that is up but not ready.
  readinessGauge(options.metrics.registry, async () => (await readiness(false)).ready);

  app.get('/readyz', async (_req, res) => {
    const { ready, checks } = await readiness(true);
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', checks });
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
export function createServiceApp(options: { metrics: Metrics; logger: Logger }): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  app.use(tracingMiddleware());
  app.use(requestIdMiddleware());
  app.use(metricsMiddleware(options.metrics, options.logger));
  return app;
}

/** A caller's request id of this shape is kept (an ingress may set one); anything else is replaced. */
const requestIdPattern = /^[\w.:-]{1,128}$/;

/**
 * Gives every request an id, echoed in the `X-Request-Id` answer header and in `res.locals.requestId`,
 * so a patient's or an operator's report of a failed request can be found in the logs.
 */
export function requestIdMiddleware() {
  return (req: Request, res: Response, next: NextFunction) => {
    const offered = req.get('x-request-id');
    const requestId = offered && requestIdPattern.test(offered) ? offered : randomUUID();
    res.locals.requestId = requestId;
    res.set('x-request-id', requestId);
    next();
  };
}

/**
 * Times every request by route template and logs every answer with a 5xx status — whichever part
 * of the service produced it — with its request id, route template and error code: never the raw
 * path, query or body, which may carry personal data.
 */
function metricsMiddleware(metrics: Metrics, logger: Logger) {
  return (req: Request, res: Response, next: NextFunction) => {
    const stop = metrics.httpRequestDuration.startTimer();
    res.on('finish', () => {
      const route = routeOf(req);
      const seconds = stop({ method: req.method, route, status_code: String(res.statusCode) });
      if (res.statusCode >= 500) {
        logger.warn(
          {
            requestId: res.locals.requestId as unknown,
            method: req.method,
            route,
            status: res.statusCode,
            code: res.locals.errorCode as unknown,
            durationMs: Math.round(seconds * 1000),
          },
          'request answered with a server error',
        );
      }
    });
    next();
  };
}

/** Runs every readiness check (2 s each); `logger`, when given, hears of each failing one. */
async function checkReadiness(
  checks: Record<string, ReadinessCheck>,
  logger: Logger | undefined,
): Promise<{ ready: boolean; checks: Record<string, 'ok' | 'failing'> }> {
  const results = await Promise.all(
    Object.entries(checks).map(async ([name, check]) => {
      try {
        await withTimeout(Promise.resolve(check()), 2000);
        return [name, 'ok'] as const;
      } catch (error) {
        logger?.warn({ check: name, err: error }, 'readiness check failed');
        return [name, 'failing'] as const;
      }
    }),
  );
  return { ready: results.every(([, state]) => state === 'ok'), checks: Object.fromEntries(results) };
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
