/**
 * A failed send. `permanent` means sending the same message again cannot succeed (an address the
 * mail server refuses, a number the SMS provider rejects): it is recorded and not retried. Anything
 * else (server down, 5xx of a provider, timeouts) is temporary and retried with backoff.
 *
 * `message` is safe to log: a code and a status, never an address or a number. The server's own
 * words, which often quote the address, are in `detail`, which goes only to the message log: it is
 * not enumerable, so error serializers of loggers leave it out.
 */
export class DeliveryError extends Error {
  declare readonly detail: string | undefined;

  constructor(
    message: string,
    readonly permanent: boolean,
    detail?: string,
  ) {
    super(message);
    this.name = 'DeliveryError';
    Object.defineProperty(this, 'detail', { value: detail, enumerable: false });
  }
}
