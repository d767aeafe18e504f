import { Webhook } from 'standardwebhooks';
import type { WebhookSender } from '../domain/webhooks/webhook-ports.js';
import type { AttemptOutcome } from '../domain/webhooks/webhook-retry-policy.js';

/**
 * The `webhook-signature` header per Standard Webhooks: one `v1,<base64 HMAC-SHA256>` per secret,
 * separated by spaces; a receiver accepts the message when any of them verifies. During a secret
 * rotation the new and the old secret both sign.
 */
export function signatureHeader(secrets: string[], messageId: string, timestamp: Date, payload: string): string {
  return secrets.map((secret) => new Webhook(secret).sign(messageId, timestamp, payload)).join(' ');
}

/**
 * POSTs signed webhooks with Node's fetch. 2xx is delivered; anything else — another status, a
 * redirect (not followed: the endpoint must be registered at its final URL), a timeout, a network
 * error — is a failed attempt. The response body is not read beyond what closing it needs.
 */
export function httpWebhookSender(options: { timeoutMs: number; userAgent: string }): WebhookSender {
  return {
    async send({ url, messageId, payload, secrets, timestamp }): Promise<AttemptOutcome> {
      let response: Response;
      try {
        response = await fetch(url, {
          method: 'POST',
          redirect: 'manual',
          signal: AbortSignal.timeout(options.timeoutMs),
          headers: {
            'content-type': 'application/json',
            'user-agent': options.userAgent,
            'webhook-id': messageId,
            'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
            'webhook-signature': signatureHeader(secrets, messageId, timestamp, payload),
          },
          body: payload,
        });
      } catch (error) {
        const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
        return { result: 'failed', httpStatus: null, error: timedOut ? 'timeout' : 'network' };
      }
      await response.body?.cancel().catch(() => undefined);
      if (response.status >= 200 && response.status < 300) return { result: 'delivered', httpStatus: response.status };
      return { result: 'failed', httpStatus: response.status, error: `http ${response.status}` };
    },
  };
}
