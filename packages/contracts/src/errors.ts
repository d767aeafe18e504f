/**
 * The one error type. `code` is stable and machine-readable: the gateway maps it to an HTTP
 * status and the site to a sentence in the patient's language. Renaming a code breaks clients.
 */
export const errorCodes = {
  VALIDATION_FAILED: 400,
  /** No appointment type with this id is bookable online. */
  APPOINTMENT_TYPE_UNKNOWN: 400,
  /** No practitioner with this id. */
  PRACTITIONER_UNKNOWN: 400,
  /** The practitioner does not offer this appointment type. */
  PRACTITIONER_NOT_OFFERING_TYPE: 400,
  /** A date range that ends before it starts or is longer than allowed. */
  DATE_RANGE_INVALID: 400,
  /** Staff sign-in (console): e-mail, password or code not right; never says which. */
  SIGN_IN_FAILED: 401,
  /** The staff account signs in with a TOTP code as well; the password was right. */
  TOTP_REQUIRED: 401,
  /** A console request without a valid session (none, signed out, or timed out). */
  UNAUTHENTICATED: 401,
  /** The signed-in role may not do this. */
  FORBIDDEN: 403,
  /** A console request without the session's CSRF token in the X-OTK-CSRF header. */
  CSRF_FAILED: 403,
  /** The practice requires TOTP for admins: this admin must enrol a code before anything else. */
  TOTP_SETUP_REQUIRED: 403,
  NOT_FOUND: 404,
  /** The path exists but not for this method; the answer's `Allow` header lists those it has. */
  METHOD_NOT_ALLOWED: 405,
  /** The request's body did not arrive in full within the server's request timeout. */
  REQUEST_TIMEOUT: 408,
  /** The request's body is larger than the API accepts. */
  PAYLOAD_TOO_LARGE: 413,
  /** A body that is not `application/json` (in UTF-8, not compressed) where JSON is expected. */
  UNSUPPORTED_MEDIA_TYPE: 415,
  /** The request's header section is larger than the server accepts. */
  HEADERS_TOO_LARGE: 431,
  SLOT_TAKEN: 409,
  SLOT_NOT_OFFERED: 409,
  HOLD_EXPIRED: 409,
  CANCELLATION_DEADLINE_PASSED: 409,
  /** A waiting-list offer whose slot someone else took first, or that lapsed; the patient stays on the list. */
  OFFER_GONE: 409,
  /** The booking's state does not allow this step (e.g. cancelling a cancelled booking). */
  ILLEGAL_TRANSITION: 409,
  /**
   * A patient's data cannot be erased yet: a booking is held or still to come (cancel it first), or
   * an event of theirs is still on its way; `details.reason` says which, `details.bookingIds` names them.
   */
  ERASURE_BLOCKED: 409,
  /** The console tried to change what the practice system keeps (ADR 83). */
  CATALOGUE_MANAGED_BY_PRACTICE_SYSTEM: 409,
  /** A link token that is unknown, meant for another step, or past its validity. */
  TOKEN_INVALID: 404,
  /** The same Idempotency-Key came with a different request. */
  IDEMPOTENCY_KEY_REUSED: 422,
  /** Too many open provisional requests for one contact or one client address (D4). */
  TOO_MANY_OPEN_HOLDS: 429,
  /** Too many places on the waiting list for one contact or one client address (ADR 26). */
  TOO_MANY_WAITLIST_ENTRIES: 429,
  /** Too many requests of one kind from one client address in a short time; `Retry-After` says when to try again. */
  RATE_LIMITED: 429,
  INTERNAL: 500,
  UNAVAILABLE: 503,
  TIMEOUT: 504,
} as const;

export type ErrorCode = keyof typeof errorCodes;

export class AppError extends Error {
  /**
   * @param isTrusted false for programmer errors and broken invariants: the process should end
   * rather than go on in an unknown state. A message handler (event or command) that throws such
   * an error ends its process once the message is settled (`@otk/messaging`); an event goes back
   * on its queue for the next process.
   */
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
    readonly isTrusted = true,
  ) {
    super(message);
    this.name = 'AppError';
  }

  get httpStatus(): number {
    return errorCodes[this.code];
  }

  toJSON(): { code: ErrorCode; message: string; details?: Record<string, unknown> } {
    return this.details
      ? { code: this.code, message: this.message, details: this.details }
      : { code: this.code, message: this.message };
  }
}

/**
 * True only for an error explicitly marked untrusted (`isTrusted` false): a programmer error or a
 * broken invariant, after which the process must not go on. Any other error, whatever its type,
 * is an operational failure that a retry may cure.
 */
export function isUntrustedError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { isTrusted?: unknown }).isTrusted === false;
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(errorCodes, value);
}
