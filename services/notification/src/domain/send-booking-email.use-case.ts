import type { Logger } from 'pino';
import type pg from 'pg';
import type { Mailer, OutgoingEmail } from '../data-access/mailer.js';
import { claimMessage, markFailed, markSent } from '../data-access/message-log.repository.js';

/**
 * Sends one e-mail at most once per (event, recipient, kind): a redelivered event finds the
 * message marked sent and skips it. A failed send is recorded and rethrown, so the consumer
 * retries it with backoff.
 */
export async function sendBookingEmail(
  deps: { pool: pg.Pool; mailer: Mailer; logger: Logger },
  eventId: string,
  kind: string,
  email: OutgoingEmail,
): Promise<'sent' | 'skipped'> {
  const key = { eventId, recipient: email.to, kind };
  if (!(await claimMessage(deps.pool, key, 'email'))) {
    deps.logger.info({ eventId, kind }, 'message already sent; skipping');
    return 'skipped';
  }
  try {
    const { messageId } = await deps.mailer.send(email);
    await markSent(deps.pool, key, messageId);
    deps.logger.info({ eventId, kind }, 'e-mail sent');
    return 'sent';
  } catch (error) {
    await markFailed(deps.pool, key, error instanceof Error ? error.message : String(error));
    throw error;
  }
}
