import type { ErrorCode } from '@otk/contracts';

/** What a call to the public API ends in: data, an API error with its code, or no answer at all. */
export type ApiResult<T> =
  | { ok: true; status: number; data: T }
  | { ok: false; code: ErrorCode | 'NETWORK' | 'UNKNOWN'; status: number; details?: Record<string, unknown> };

const knownCodes = new Set<string>([
  'VALIDATION_FAILED',
  'APPOINTMENT_TYPE_UNKNOWN',
  'PRACTITIONER_UNKNOWN',
  'PRACTITIONER_NOT_OFFERING_TYPE',
  'DATE_RANGE_INVALID',
  'SIGN_IN_FAILED',
  'TOTP_REQUIRED',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'CSRF_FAILED',
  'TOTP_SETUP_REQUIRED',
  'NOT_FOUND',
  'METHOD_NOT_ALLOWED',
  'REQUEST_TIMEOUT',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'HEADERS_TOO_LARGE',
  'SLOT_TAKEN',
  'SLOT_NOT_OFFERED',
  'HOLD_EXPIRED',
  'CANCELLATION_DEADLINE_PASSED',
  'ILLEGAL_TRANSITION',
  'ERASURE_BLOCKED',
  'CATALOGUE_MANAGED_BY_PRACTICE_SYSTEM',
  'TOKEN_INVALID',
  'IDEMPOTENCY_KEY_REUSED',
  'TOO_MANY_OPEN_HOLDS',
  'OFFER_GONE',
  'TOO_MANY_WAITLIST_ENTRIES',
  'RATE_LIMITED',
  'INTERNAL',
  'UNAVAILABLE',
  'TIMEOUT',
] satisfies ErrorCode[]);

/** Turns an error answer's body into a known code; anything else (a proxy's HTML page) is UNKNOWN. */
export function errorFromBody(status: number, body: unknown): Extract<ApiResult<never>, { ok: false }> {
  const { code, details } = (body ?? {}) as { code?: unknown; details?: unknown };
  const known = typeof code === 'string' && knownCodes.has(code) ? (code as ErrorCode) : undefined;
  const fallback = status === 429 ? 'RATE_LIMITED' : status >= 500 ? 'UNAVAILABLE' : 'UNKNOWN';
  return {
    ok: false,
    status,
    code: known ?? fallback,
    ...(details && typeof details === 'object' ? { details: details as Record<string, unknown> } : {}),
  };
}

/** One request to the API on this origin. Never throws: a lost connection is code NETWORK. */
export async function api<T>(
  path: string,
  init: { method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'; body?: unknown; headers?: Record<string, string> } = {},
): Promise<ApiResult<T>> {
  let response: Response;
  try {
    response = await fetch(`/api/v1${path}`, {
      method: init.method ?? 'GET',
      headers: {
        accept: 'application/json',
        ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...init.headers,
      },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });
  } catch {
    return { ok: false, code: 'NETWORK', status: 0 };
  }
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    body = undefined;
  }
  if (response.ok) return { ok: true, status: response.status, data: body as T };
  return errorFromBody(response.status, body);
}
