import { exchanges, noticeTypes, parseEvent } from '@otk/contracts';
import amqp from 'amqplib';

export interface LinkTokens {
  /** The confirm token sent to the patient with the hold of `bookingId`. */
  confirmTokenOf(bookingId: string): Promise<string>;
  /** The manage token of the latest confirmation or change of `bookingId`. */
  manageTokenOf(bookingId: string): Promise<string>;
  stop(): Promise<void>;
}

/**
 * Listens where notification gets the patients' links: a queue of the test's own bound to the
 * `notices` exchange, from now on. Link tokens are nowhere else in plain text (the database keeps
 * hashes, the outbox drops them once published), so this is how a test clicks a patient's link
 * without reading the e-mail.
 */
export async function listenForLinkTokens(amqpUrl: string): Promise<LinkTokens> {
  const connection = await amqp.connect(amqpUrl);
  const channel = await connection.createChannel();
  await channel.assertExchange(exchanges.notices, 'direct', { durable: true });
  const { queue } = await channel.assertQueue('', { exclusive: true });
  for (const type of noticeTypes) await channel.bindQueue(queue, exchanges.notices, type);
  const confirm = new Map<string, string>();
  const manage = new Map<string, string>();
  await channel.consume(
    queue,
    (message) => {
      if (!message) return;
      let raw: unknown;
      try {
        raw = JSON.parse(message.content.toString());
      } catch {
        return; // not a notice: a test's poisoned message
      }
      const parsed = parseEvent(raw);
      if (!parsed.ok) return;
      const event = parsed.value;
      if (event.type === 'notice.bookingHeld') confirm.set(event.data.booking.bookingId, event.data.confirmToken);
      if (event.type === 'notice.bookingConfirmed' || event.type === 'notice.bookingChanged')
        manage.set(event.data.booking.bookingId, event.data.manageToken);
    },
    { noAck: true },
  );
  const waitIn = async (tokens: Map<string, string>, bookingId: string, what: string) => {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const token = tokens.get(bookingId);
      if (token) return token;
      if (Date.now() > deadline) throw new Error(`no ${what} token for ${bookingId} within 15 s`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  return {
    confirmTokenOf: (bookingId) => waitIn(confirm, bookingId, 'confirm'),
    manageTokenOf: (bookingId) => waitIn(manage, bookingId, 'manage'),
    stop: () => connection.close(),
  };
}

/** The token of the confirm or manage link in a patient's message, as the patient clicks it. */
export function linkTokenIn(text: string, page: 'confirm' | 'manage'): string | undefined {
  return new RegExp(`/${page}\\?token=([A-Za-z0-9_-]+)`).exec(text)?.[1];
}
