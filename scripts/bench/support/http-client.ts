/**
 * The benchmarks' HTTP client for bursts: node:http over kept-alive connections, one per request
 * in flight. `fetch` (WHATWG streams over undici) cost the bench about as much CPU per request as
 * the gateway spent answering it; the bench shares the machine's two cores with the stack it
 * measures, so a heavy client showed up as the stack's latency.
 */
import { Agent, request } from 'node:http';

const agent = new Agent({ keepAlive: true, maxSockets: Infinity });

/** POSTs a JSON body with `headers`; the answer's status and its parsed body (`{}` when it is not JSON). */
export function postJsonKeptAlive(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const payload = Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent,
        headers: { ...headers, 'content-type': 'application/json', 'content-length': payload.length },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: parsedObject(Buffer.concat(chunks)) }));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

function parsedObject(bytes: Buffer): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(bytes.toString('utf8'));
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
