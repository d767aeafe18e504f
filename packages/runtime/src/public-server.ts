import { type IncomingMessage, STATUS_CODES, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { env } from '@otk/config';
import { AppError, type ErrorCode } from '@otk/contracts';
import type { Express } from 'express';

/**
 * Limits of the public HTTP server (PORT). A client that sends its headers or body slowly, or
 * keeps a connection open doing nothing, holds a socket; these bound how long.
 */
export const httpServerEnv = {
  /** The whole header section must have arrived within this time (Node answers 408 otherwise). */
  HTTP_HEADERS_TIMEOUT_MS: env.positiveInt(10_000),
  /** The whole request, headers and body, must have arrived within this time: 408 otherwise. */
  HTTP_REQUEST_TIMEOUT_MS: env.positiveInt(15_000),
  /**
   * How long an idle keep-alive connection stays open. Longer than the idle timeout of the proxy in
   * front (ingress-nginx and most load balancers: 60 s), so the proxy never reuses a connection the
   * gateway is closing at that moment (which would be a 502).
   */
  HTTP_KEEP_ALIVE_TIMEOUT_MS: env.positiveInt(65_000),
  /** Largest header section accepted: 431 above it. */
  HTTP_MAX_HEADER_BYTES: env.positiveInt(16_384),
};

export interface HttpServerLimits {
  HTTP_HEADERS_TIMEOUT_MS: number;
  HTTP_REQUEST_TIMEOUT_MS: number;
  HTTP_KEEP_ALIVE_TIMEOUT_MS: number;
  HTTP_MAX_HEADER_BYTES: number;
}

/**
 * Listens with the limits above. Node checks the header and request timeouts every
 * `connectionsCheckingInterval` (30 s by default, which let an unfinished body hold a connection
 * for half a minute whatever the timeout); one second keeps them close to what is configured.
 */
export async function listenWithLimits(
  app: Express,
  port: number,
  host: string,
  limits: HttpServerLimits,
): Promise<{ server: Server; port: number }> {
  const server = createServer(
    {
      maxHeaderSize: limits.HTTP_MAX_HEADER_BYTES,
      headersTimeout: Math.min(limits.HTTP_HEADERS_TIMEOUT_MS, limits.HTTP_REQUEST_TIMEOUT_MS),
      requestTimeout: limits.HTTP_REQUEST_TIMEOUT_MS,
      keepAliveTimeout: limits.HTTP_KEEP_ALIVE_TIMEOUT_MS,
      connectionsCheckingInterval: Math.min(1000, limits.HTTP_REQUEST_TIMEOUT_MS),
    },
    app as (req: IncomingMessage, res: ServerResponse) => void,
  );
  server.on('clientError', answerClientError);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve({ server, port: (server.address() as AddressInfo).port });
    });
  });
}

/**
 * What Node answers by itself when a request cannot even be parsed (headers too large, request
 * timeout, malformed HTTP), in the API's error shape with a stable code, instead of Node's
 * bodiless answers. As Node does, nothing is written once an answer has started on the socket.
 */
function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (error.code !== 'ECONNRESET' && socket.writable && !inFlight?.headersSent) {
    const [code, message] = clientErrorAnswers[error.code ?? ''] ?? clientErrorAnswers.default!;
    const appError = new AppError(code, message);
    const body = JSON.stringify(appError.toJSON());
    socket.write(
      `HTTP/1.1 ${appError.httpStatus} ${STATUS_CODES[appError.httpStatus]}\r\n` +
        'Content-Type: application/json; charset=utf-8\r\n' +
        'X-Content-Type-Options: nosniff\r\n' +
        'Cache-Control: no-store\r\n' +
        `Content-Length: ${Buffer.byteLength(body)}\r\n` +
        'Connection: close\r\n\r\n' +
        body,
    );
  }
  socket.destroy(error);
}

const clientErrorAnswers: Record<string, [ErrorCode, string]> = {
  HPE_HEADER_OVERFLOW: ['HEADERS_TOO_LARGE', 'the request headers are too large'],
  HPE_CHUNK_EXTENSIONS_OVERFLOW: ['PAYLOAD_TOO_LARGE', 'the request body is too large'],
  ERR_HTTP_REQUEST_TIMEOUT: ['REQUEST_TIMEOUT', 'the request did not arrive in time'],
  default: ['VALIDATION_FAILED', 'the request is not valid HTTP'],
};
