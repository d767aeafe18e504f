import { DeliveryError } from '../domain/delivery-error.js';
import type { SmsGateway } from '../domain/ports.js';

const REQUEST_TIMEOUT_MS = 10000;

/**
 * The provider answered with an error. 5xx, 408 and 429 (rate limit) pass; 401 and 403 are our own
 * credentials, fixed by an operator, so they are retried and finally parked for replay. Every other
 * 4xx refuses this message (an invalid number, a text the provider will not take): never retried.
 */
export function httpDeliveryError(provider: string, status: number, body: string): DeliveryError {
  const temporary = status >= 500 || [401, 403, 408, 429].includes(status);
  return new DeliveryError(`${provider} HTTP ${status}`, !temporary, body.slice(0, 1000));
}

/** POSTs and turns network failures and timeouts into temporary DeliveryErrors. */
export async function postToProvider(
  provider: string,
  url: string,
  init: { headers: Record<string, string>; body: string },
): Promise<{ status: number; body: string }> {
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: init.headers,
      body: init.body,
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const body = await response.text();
    if (!response.ok) throw httpDeliveryError(provider, response.status, body);
    return { status: response.status, body };
  } catch (error) {
    if (error instanceof DeliveryError) throw error;
    const name = error instanceof Error ? error.name : 'Error';
    throw new DeliveryError(`${provider} request failed (${name})`, false, String(error));
  }
}

function jsonField(body: string, field: string): string | undefined {
  try {
    const value = (JSON.parse(body) as Record<string, unknown>)[field];
    return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Twilio's Programmable Messaging API: `POST /2010-04-01/Accounts/{AccountSid}/Messages.json`,
 * form-encoded `To`, `From`, `Body`, HTTP basic auth with the account SID and auth token; a
 * `201` answer carries the message `sid`.
 */
export function twilioSmsGateway(options: { baseUrl: string; accountSid: string; authToken: string }): SmsGateway {
  const url = `${options.baseUrl.replace(/\/+$/, '')}/2010-04-01/Accounts/${encodeURIComponent(options.accountSid)}/Messages.json`;
  const authorization = `Basic ${Buffer.from(`${options.accountSid}:${options.authToken}`).toString('base64')}`;
  return {
    provider: 'twilio',
    async send(sms) {
      const { body } = await postToProvider('twilio', url, {
        headers: { authorization, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: new URLSearchParams({ To: sms.to, From: sms.from, Body: sms.text }).toString(),
      });
      return { messageId: jsonField(body, 'sid') };
    },
  };
}

/**
 * Any provider, or an in-house relay, that accepts
 * `POST <url>` with `Authorization: Bearer <key>` and `{"to","from","text","reference"}` as JSON,
 * answers 2xx on acceptance (optionally `{"id": "…"}`), 4xx when it refuses the message and 5xx
 * when it cannot take it now.
 */
export function httpJsonSmsGateway(options: { url: string; apiKey: string }): SmsGateway {
  return {
    provider: 'http',
    async send(sms) {
      const { body } = await postToProvider('http', options.url, {
        headers: { authorization: `Bearer ${options.apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ to: sms.to, from: sms.from, text: sms.text, reference: sms.reference }),
      });
      return { messageId: jsonField(body, 'id') };
    },
  };
}
