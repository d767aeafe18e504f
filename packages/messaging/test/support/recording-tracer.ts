import {
  type Context,
  type ContextManager,
  ROOT_CONTEXT,
  type Span,
  type SpanKind,
  type SpanOptions,
  type TextMapPropagator,
  TraceFlags,
  type Tracer,
  context,
  propagation,
  trace,
} from '@opentelemetry/api';
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';

export interface RecordedSpan {
  name: string;
  kind: SpanKind | undefined;
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
}

/**
 * Just enough OpenTelemetry to check trace propagation with nothing but the API package: an
 * AsyncLocalStorage context manager, a W3C `traceparent` propagator, and a tracer that records
 * every span it starts.
 */
export function installRecordingTracer(): { spans: RecordedSpan[]; uninstall(): void } {
  const spans: RecordedSpan[] = [];
  const tracer: Tracer = {
    startSpan(name: string, options: SpanOptions = {}, parentContext: Context = context.active()): Span {
      const parent = trace.getSpanContext(parentContext);
      const spanContext = {
        traceId: parent?.traceId ?? randomBytes(16).toString('hex'),
        spanId: randomBytes(8).toString('hex'),
        traceFlags: TraceFlags.SAMPLED,
      };
      spans.push({
        name,
        kind: options.kind,
        traceId: spanContext.traceId,
        spanId: spanContext.spanId,
        parentSpanId: parent?.spanId,
      });
      return trace.wrapSpanContext(spanContext);
    },
    startActiveSpan(): never {
      throw new Error('not used by @otk/messaging');
    },
  };
  trace.disable();
  propagation.disable();
  context.disable();
  trace.setGlobalTracerProvider({ getTracer: () => tracer });
  propagation.setGlobalPropagator(traceparentPropagator);
  context.setGlobalContextManager(new AsyncLocalStorageContextManager());
  return {
    spans,
    uninstall() {
      trace.disable();
      propagation.disable();
      context.disable();
    },
  };
}

const traceparentPropagator: TextMapPropagator = {
  inject(ctx, carrier, setter) {
    const span = trace.getSpanContext(ctx);
    if (span) setter.set(carrier, 'traceparent', `00-${span.traceId}-${span.spanId}-01`);
  },
  extract(ctx, carrier, getter) {
    const header = getter.get(carrier, 'traceparent');
    const match = /^00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$/.exec(typeof header === 'string' ? header : '');
    if (!match?.[1] || !match[2]) return ctx;
    return trace.setSpanContext(ctx, {
      traceId: match[1],
      spanId: match[2],
      traceFlags: TraceFlags.SAMPLED,
      isRemote: true,
    });
  },
  fields: () => ['traceparent'],
};

class AsyncLocalStorageContextManager implements ContextManager {
  private readonly storage = new AsyncLocalStorage<Context>();

  active(): Context {
    return this.storage.getStore() ?? ROOT_CONTEXT;
  }

  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(
    ctx: Context,
    fn: F,
    thisArg?: ThisParameterType<F>,
    ...args: A
  ): ReturnType<F> {
    return this.storage.run(ctx, () => fn.call(thisArg, ...args));
  }

  bind<T>(_ctx: Context, target: T): T {
    return target;
  }

  enable(): this {
    return this;
  }

  disable(): this {
    this.storage.disable();
    return this;
  }
}
