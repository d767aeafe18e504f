import { ROOT_CONTEXT, SpanKind, SpanStatusCode, context, propagation, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider, type SpanProcessor } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import type { NextFunction, Request, Response } from 'express';

export interface Tracing {
  shutdown(): Promise<void>;
}

/**
 * Sets up the OpenTelemetry SDK once per process: W3C trace context, async context tracking, and
 * OTLP/HTTP export when an endpoint is given. Without an endpoint spans are still created, so trace
 * ids reach logs and message headers, but nothing is exported.
 */
export function initTracing(options: { service: string; otlpEndpoint?: string | undefined }): Tracing {
  const spanProcessors: SpanProcessor[] = [];
  if (options.otlpEndpoint) {
    const url = `${options.otlpEndpoint.replace(/\/$/, '')}/v1/traces`;
    spanProcessors.push(new BatchSpanProcessor(new OTLPTraceExporter({ url }), { scheduledDelayMillis: 500 }));
  }
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: options.service }),
    spanProcessors,
  });
  provider.register();
  return { shutdown: () => provider.shutdown() };
}

/**
 * Runs `work` outside any trace. A timer or loop started inside a request or a message handler
 * otherwise keeps that trace as its context for good, and every later log line of it would carry
 * the trace id of a request it has nothing to do with.
 */
export function outsideAnyTrace<T>(work: () => T): T {
  return context.with(ROOT_CONTEXT, work);
}

const tracer = trace.getTracer('@otk/telemetry');

/** Express middleware: a SERVER span per request, continuing the caller's trace if it sent one. */
export function tracingMiddleware() {
  return (req: Request, res: Response, next: NextFunction) => {
    rememberRouteTemplate(req);
    const parent = propagation.extract(context.active(), req.headers);
    const span = tracer.startSpan(
      `${req.method}`,
      { kind: SpanKind.SERVER, attributes: { 'http.request.method': req.method } },
      parent,
    );
    res.on('finish', () => {
      const route = routeOf(req);
      span.updateName(`${req.method} ${route}`);
      span.setAttribute('http.route', route);
      span.setAttribute('http.response.status_code', res.statusCode);
      if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    });
    context.with(trace.setSpan(parent, span), next);
  };
}

const routeTemplates = new WeakMap<Request, string>();

/**
 * Records the route template at the moment express matches the route. Read later, when the
 * answer is sent, `req.baseUrl` may no longer be the router's mount path: after a handler of a
 * mounted router fails, express hands the error to the app's error handler with `baseUrl` reset,
 * and the same route would be labelled `/holds` once and `/api/v1/holds` another time.
 */
function rememberRouteTemplate(req: Request): void {
  let route: unknown;
  Object.defineProperty(req, 'route', {
    configurable: true,
    enumerable: true,
    get: () => route,
    set(value: { path?: unknown } | undefined) {
      route = value;
      if (typeof value?.path === 'string') routeTemplates.set(req, `${req.baseUrl}${value.path}`);
    },
  });
}

/** The route template (`/api/v1/holds/:id`), never the raw path, so labels stay few and hold no ids. */
export function routeOf(req: Request): string {
  const remembered = routeTemplates.get(req);
  if (remembered) return remembered;
  const path = (req.route as { path?: string } | undefined)?.path;
  return path ? `${req.baseUrl}${path}` : 'unmatched';
}
