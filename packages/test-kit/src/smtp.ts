import type { AddressInfo } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface TestSmtpServer {
  url: string;
  port: number;
  /** Every message received so far, parsed. */
  messages: ParsedMail[];
  stop(): Promise<void>;
}

/**
 * A real SMTP server on a free loopback port that keeps what it receives in memory.
 * `rejectRecipient` makes it refuse an address with 550, as a server does for an unknown mailbox.
 * `beforeAccepting` sees each message once it is kept, before the client learns it was taken.
 */
export async function startTestSmtpServer(
  port = 0,
  options: {
    rejectRecipient?: (address: string) => boolean;
    /** Runs once a message has arrived, before the server answers that it took it. */
    beforeAccepting?: (mail: ParsedMail) => Promise<void> | void;
  } = {},
): Promise<TestSmtpServer> {
  const messages: ParsedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (options.rejectRecipient?.(address.address)) {
        const error = Object.assign(new Error('5.1.1 mailbox unavailable'), { responseCode: 550 });
        callback(error);
        return;
      }
      callback();
    },
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then(async (mail) => {
          messages.push(mail);
          await options.beforeAccepting?.(mail);
          callback();
        })
        .catch((error: Error) => callback(error));
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const actualPort = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${actualPort}`,
    port: actualPort,
    messages,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
