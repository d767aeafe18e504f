import type { AddressInfo } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface TestSmtpServer {
  url: string;
  port: number;
  /** Every message received so far, parsed. */
  messages: ParsedMail[];
  /** From now on connections are accepted but never greeted, as by a hung server. */
  hang(): void;
  /** Greets new connections again; those that waited meanwhile are refused. */
  resume(): void;
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
  let waiting: (() => void)[] | undefined;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onConnect(_session, callback) {
      if (!waiting) {
        callback();
        return;
      }
      // The client has long given up by the time the hang ends.
      waiting.push(() => callback(Object.assign(new Error('service not available'), { responseCode: 421 })));
    },
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
    // A client that gave up on a hung connection leaves a socket error behind; it is not the test's.
    server.on('error', () => undefined);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const actualPort = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${actualPort}`,
    port: actualPort,
    messages,
    hang: () => {
      waiting ??= [];
    },
    resume: () => {
      const held = waiting ?? [];
      waiting = undefined;
      for (const refuse of held) refuse();
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
