import {
  type Attributes,
  type Context,
  ROOT_CONTEXT,
  type SpanKind,
  SpanStatusCode,
  context,
  propagation,
  trace,
} from '@opentelemetry/api';
import type { MessagePropertyHeaders } from 'amqplib';

/**
 * Runs `work` inside a new span under `parent`. The span's context is also handed to `work`, so
 * it can be injected into headers even when no context manager is registered.
 */
export async function inSpan<T>(
  name: string,
  kind: SpanKind,
  parent: Context,
  attributes: Attributes,
  work: (spanContext: Context) => Promise<T>,
): Promise<T> {
  // Looked up per span, not once: a tracer provider registered (or replaced) later is then used.
  const span = trace.getTracer('@otk/messaging').startSpan(name, { kind, attributes }, parent);
  const spanContext = trace.setSpan(parent, span);
  try {
    return await context.with(spanContext, () => work(spanContext));
  } catch (error) {
    span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
    throw error;
  } finally {
    span.end();
  }
}

/** The W3C trace context (`traceparent`, `tracestate`) of `spanContext`, as message headers. */
export function traceHeaders(spanContext: Context): Record<string, string> {
  const headers: Record<string, string> = {};
  propagation.inject(spanContext, headers);
  return headers;
}

/** The producer's context, taken from a message's headers, so its trace continues here. */
export function contextFromHeaders(headers: MessagePropertyHeaders | undefined): Context {
  return propagation.extract(ROOT_CONTEXT, headers ?? {}, {
    keys: (carrier) => Object.keys(carrier),
    get: (carrier, key) => {
      const value: unknown = carrier[key];
      return typeof value === 'string' ? value : undefined;
    },
  });
}
