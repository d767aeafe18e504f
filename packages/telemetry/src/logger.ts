import { trace } from '@opentelemetry/api';
import { type Logger, pino } from 'pino';

export type { Logger };

/**
 * Structured JSON logs, one line each, with the service name and — inside a span — the trace and
 * span ids, so a log line leads to its trace. Never log personal data (names, e-mail, phone, tokens).
 */
export function createLogger(service: string, level = 'info'): Logger {
  return pino({
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    serializers: { err: loggedError },
    mixin() {
      const span = trace.getActiveSpan();
      if (!span) return {};
      const { traceId, spanId } = span.spanContext();
      return { trace_id: traceId, span_id: spanId };
    },
  });
}

const emailAddress = /[^\s<>"'(),;:[\]]+@[^\s<>"'(),;:[\]]+\.[a-z]{2,}/gi;
const internationalPhone = /\+\d[\d ]{6,}\d/g;

/** Masks what an error text may quote of the data it failed on: e-mail addresses and phone numbers. */
export function maskContacts(text: string): string {
  return text.replace(emailAddress, '<e-mail>').replace(internationalPhone, '<phone>');
}

/**
 * An error as logged: its type, code, message and stack, with contacts masked, and nothing else.
 * Libraries attach the data they failed on to other fields (PostgreSQL's `detail` and `where`, a
 * mail server's `response`, a rejected recipient list): those never reach the log.
 */
export function loggedError(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { message: maskContacts(String(error)) };
  const { code, isTrusted } = error as { code?: unknown; isTrusted?: unknown };
  return {
    type: error.constructor.name,
    message: maskContacts(error.message),
    ...(typeof code === 'string' || typeof code === 'number' ? { code } : {}),
    ...(typeof isTrusted === 'boolean' ? { isTrusted } : {}),
    ...(error.stack ? { stack: maskContacts(error.stack) } : {}),
  };
}
