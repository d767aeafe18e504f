import amqp, { type GetMessage } from 'amqplib';

/** A plain amqplib connection, for what the Broker refuses to do (send garbage) or never does (read a DLQ). */
export async function withRawChannel<T>(url: string, work: (channel: amqp.ConfirmChannel) => Promise<T>): Promise<T> {
  const connection = await amqp.connect(url);
  try {
    const channel = await connection.createConfirmChannel();
    // A failed operation (e.g. checkQueue on a missing queue) rejects its promise; without a
    // listener, the channel's 'error' event would also be thrown as an uncaught exception.
    channel.on('error', () => undefined);
    return await work(channel);
  } finally {
    await connection.close();
  }
}

export function publishRaw(
  url: string,
  exchange: string,
  routingKey: string,
  content: string,
  options: amqp.Options.Publish = {},
): Promise<void> {
  return withRawChannel(url, async (channel) => {
    channel.publish(exchange, routingKey, Buffer.from(content), { persistent: true, ...options });
    await channel.waitForConfirms();
  });
}

/** Takes every message now in `queue` (acking them). */
export function takeAll(url: string, queue: string): Promise<GetMessage[]> {
  return withRawChannel(url, async (channel) => {
    const messages: GetMessage[] = [];
    for (let message = await channel.get(queue); message; message = await channel.get(queue)) {
      channel.ack(message);
      messages.push(message);
    }
    return messages;
  });
}
