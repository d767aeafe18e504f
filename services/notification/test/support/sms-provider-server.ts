import { randomBytes } from 'node:crypto';
import { type IncomingHttpHeaders, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface SmsProviderServer {
  url: string;
  requests: ReceivedRequest[];
  /** The next answers for a recipient, in order (then 201/200 again). */
  answerWith(recipient: string, ...statuses: number[]): void;
  stop(): Promise<void>;
}

/**
 * A local HTTP server standing in for an SMS provider. `twilio` answers like Twilio's Messages
 * API (201 with a message `sid`; errors as `{code, message, status}`), `http` like the generic
 * JSON contract (200 with an `id`).
 */
export async function startSmsProviderServer(
  style: 'twilio' | 'http',
  options: { beforeAnswering?: () => void } = {},
): Promise<SmsProviderServer> {
  const requests: ReceivedRequest[] = [];
  const scripted = new Map<string, number[]>();
  const recipientOf = (body: string): string =>
    style === 'twilio'
      ? (new URLSearchParams(body).get('To') ?? '')
      : String((JSON.parse(body) as { to?: unknown }).to);
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      requests.push({ method: request.method ?? '', path: request.url ?? '', headers: request.headers, body });
      options.beforeAnswering?.();
      const status = scripted.get(recipientOf(body))?.shift() ?? (style === 'twilio' ? 201 : 200);
      response.setHeader('content-type', 'application/json');
      if (status >= 400) {
        response.statusCode = status;
        response.end(JSON.stringify({ code: status === 400 ? 21211 : 20500, message: 'refused by the test', status }));
        return;
      }
      response.statusCode = status;
      const id = `SM${randomBytes(16).toString('hex')}`;
      response.end(JSON.stringify(style === 'twilio' ? { sid: id, status: 'queued' } : { id }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    answerWith(recipient, ...statuses) {
      scripted.set(recipient, statuses);
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
