import { AppError } from '@otk/contracts';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';

/** Unknown paths answer with the same error shape as everything else. */
export const notFound: RequestHandler = (req, _res, next) => {
  next(new AppError('NOT_FOUND', `no route for ${req.method} ${req.path}`));
};

/** Seconds a client should wait before trying again while a dependency is down. */
export const RETRY_AFTER_SECONDS = 2;

/**
 * The one place where errors become HTTP answers: `{ code, message, details? }` with the status
 * of the code. Anything that is not an AppError is logged and answered as INTERNAL, without details.
 * UNAVAILABLE says when to try again. The code goes to `res.locals.errorCode`, for the log line
 * every 5xx answer gets (see @otk/telemetry).
 */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, _req, res, _next) => {
    const appError = toAppError(error);
    res.locals.errorCode = appError.code;
    if (appError.code === 'INTERNAL') logger.error({ err: error, requestId: res.locals.requestId }, 'request failed');
    if (appError.code === 'UNAVAILABLE') res.set('retry-after', String(RETRY_AFTER_SECONDS));
    res.status(appError.httpStatus).json(appError.toJSON());
  };
}

function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  // body-parser marks malformed or oversized bodies with a status and a type.
  const parserError = error as { type?: string; status?: number };
  if (parserError.type === 'entity.parse.failed')
    return new AppError('VALIDATION_FAILED', 'the request body is not valid JSON');
  if (parserError.type === 'entity.too.large')
    return new AppError('PAYLOAD_TOO_LARGE', 'the request body is too large');
  // A charset other than UTF-8, or a compressed body (Content-Encoding), is not read.
  if (parserError.type === 'charset.unsupported' || parserError.type === 'encoding.unsupported')
    return new AppError('UNSUPPORTED_MEDIA_TYPE', 'the request body must be JSON in UTF-8, not compressed');
  if (parserError.status && parserError.status >= 400 && parserError.status < 500) {
    return new AppError('VALIDATION_FAILED', 'the request could not be read');
  }
  return new AppError('INTERNAL', 'something went wrong on our side', undefined, false);
}
