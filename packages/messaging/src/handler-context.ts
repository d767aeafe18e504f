import type { Logger } from 'pino';

/** What a handler gets besides the message. */
export interface HandlerContext {
  /** 1 on first delivery; counts the deliveries after the handler threw (always 1 for commands). */
  attempt: number;
  /** Carries the queue, message id or correlation id, and the event type or command name. */
  logger: Logger;
}
