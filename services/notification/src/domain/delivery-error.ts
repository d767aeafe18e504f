/**
 * A failed send. `permanent` means sending the same message again cannot succeed (an address the
 * mail server refuses, a number the SMS provider rejects): it is recorded and not retried. Anything
 * else (server down, 5xx of a provider, timeouts) is temporary and retried with backoff.
 *
 * `message` is safe to log: a code and a status, never an address or a number. The server's own
 * words, which often quote the address, are in `detail`, which goes only to the message log.
 */
export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
    readonly detail?: string,
  ) {
    super(message);
    this.name = 'DeliveryError';
  }
}
