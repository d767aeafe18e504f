import { type IncomingHttpHeaders, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedWebhook {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** The status the receiver answered. */
  status: number;
}

export interface WebhookReceiver {
  /** The base URL, e.g. http://127.0.0.1:41234 */
  url: string;
  received: ReceivedWebhook[];
  /** Answers the next `count` requests to `path` with `status` (default 503). */
  failNext(path: string, count: number, status?: number): void;
  /** Answers every request to `path` with 500 from now on. */
  failAlways(path: string): void;
  /** The requests to `path` it answered with 2xx. */
  accepted(path: string): ReceivedWebhook[];
  stop(): Promise<void>;
}

/** A webhook receiver in the test: records every request and answers 204, or fails on demand. */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const failures = new Map<string, { left: number; status: number }>();
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const path = request.url ?? '/';
      const failure = failures.get(path);
      let status = 204;
      if (failure && failure.left > 0) {
        status = failure.status;
        failure.left -= 1;
      }
      received.push({ path, headers: request.headers, body: Buffer.concat(chunks).toString('utf8'), status });
      response.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    failNext: (path, count, status = 503) => failures.set(path, { left: count, status }),
    failAlways: (path) => failures.set(path, { left: Number.POSITIVE_INFINITY, status: 500 }),
    accepted: (path) => received.filter((r) => r.path === path && r.status >= 200 && r.status < 300),
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
