import {
  AppError,
  type CommandName,
  type CommandReply,
  type CommandRequestParsed,
  type RpcResponse,
  commands,
  isUntrustedError,
} from '@otk/contracts';
import { SpanKind } from '@opentelemetry/api';
import type { ConsumeMessage } from 'amqplib';
import type { Logger } from 'pino';
import { parseDeadline, withCaller } from './deadline.js';
import type { HandlerContext } from './handler-context.js';
import { headerNames } from './headers.js';
import type { Publisher } from './publisher.js';
import type { Fatal, Outcome } from './queue-consumer.js';
import { contextFromHeaders, inSpan } from './tracing.js';
import { describeIssues } from './validation-issues.js';

export type CommandHandler<N extends CommandName> = (
  request: CommandRequestParsed<N>,
  ctx: HandlerContext,
) => Promise<CommandReply<N>>;

/** A handler behind its command's schemas: takes the raw request, returns a checked reply. */
type CheckedHandler = (request: unknown, ctx: HandlerContext) => Promise<unknown>;

/** Replies are worthless once the caller has given up, so their confirms are not waited for long. */
const REPLY_TIMEOUT_MS = 5000;

/** Turns an error the handler did not expect into the one its caller should see, if it knows it. */
export type ErrorTranslator = (error: unknown) => AppError | undefined;

/** The server's broker connection: a request's reply can only travel on the one it came in on. */
export interface ServerConnection {
  isConnected(): boolean;
  /** Counts the connections made so far; a new one means the old one, and its requests' replies, are gone. */
  generation(): number;
}

/**
 * Serves the commands that share one queue (one per service, e.g. `hold-manager.rpc`): the message
 * type says which command a request is. Every request gets a reply — never an exception — except
 * one whose deadline passed before it was taken up: its caller has gone, so it is dropped unserved.
 */
export class RpcServer {
  private readonly handlers = new Map<string, CheckedHandler>();
  private readonly logger: Logger;

  constructor(
    private readonly queue: string,
    private readonly publisher: Publisher,
    private readonly connection: ServerConnection,
    logger: Logger,
    private readonly translateError: ErrorTranslator = () => undefined,
    private readonly onExpired: () => void = () => undefined,
  ) {
    this.logger = logger.child({ queue });
  }

  register<N extends CommandName>(name: N, handler: CommandHandler<N>): void {
    const spec = commands[name];
    this.handlers.set(name, async (raw, ctx) => {
      const request = spec.request.safeParse(raw);
      if (!request.success)
        throw new AppError('VALIDATION_FAILED', `invalid ${name} request: ${describeIssues(request.error.issues)}`);
      const reply = spec.reply.safeParse(await handler(request.data as CommandRequestParsed<N>, ctx));
      if (!reply.success)
        throw new Error(`${name} handler returned an invalid reply: ${describeIssues(reply.error.issues)}`);
      return reply.data;
    });
  }

  /**
   * Handles one request and acks it, whatever the reply: a command is never run twice on purpose.
   * A handler that failed with an untrusted error is answered INTERNAL, and then the process ends.
   */
  async handle(message: ConsumeMessage): Promise<Outcome | Fatal> {
    const { replyTo, correlationId, type } = message.properties;
    if (typeof replyTo !== 'string' || typeof correlationId !== 'string') {
      this.logger.warn({ type }, 'request without replyTo or correlationId dropped');
      return 'ack';
    }
    const deadline = parseDeadline(message.properties.headers?.[headerNames.deadline]);
    if (deadline !== undefined && Date.now() >= deadline) {
      this.onExpired();
      this.logger.warn({ command: type, correlationId }, 'request past its deadline dropped unserved');
      return 'ack';
    }
    let untrusted: { error: unknown } | undefined;
    // Direct reply-to names a channel of the connection the request came in on: once that
    // connection is gone, no reply can reach the caller, so the handler must not commit either.
    const generation = this.connection.generation();
    const canReply = () => this.connection.isConnected() && this.connection.generation() === generation;
    const response = await withCaller({ deadline, canReply }, () =>
      this.respond(String(type), message, (error) => (untrusted = { error })),
    );
    if (!canReply()) {
      this.logger.warn({ command: type, correlationId }, 'reply not sent: the connection it was due on is gone');
    } else {
      try {
        await this.publisher.send(
          '',
          replyTo,
          Buffer.from(JSON.stringify(response)),
          { correlationId, contentType: 'application/json' },
          REPLY_TIMEOUT_MS,
        );
      } catch (error) {
        this.logger.warn({ err: error, command: type, correlationId }, 'reply not sent');
      }
    }
    return untrusted ? { settle: 'ack', error: untrusted.error } : 'ack';
  }

  private async respond(
    name: string,
    message: ConsumeMessage,
    onUntrusted: (error: unknown) => void,
  ): Promise<RpcResponse> {
    const handler = this.handlers.get(name);
    if (!handler) {
      // A known command not (yet) served here is worth retrying; an unknown one is not.
      return Object.hasOwn(commands, name)
        ? failure(new AppError('UNAVAILABLE', `command ${name} is not served on ${this.queue}`))
        : failure(new AppError('VALIDATION_FAILED', `unknown command ${name}`));
    }
    let request: unknown;
    try {
      request = JSON.parse(message.content.toString('utf8'));
    } catch {
      return failure(new AppError('VALIDATION_FAILED', 'request is not JSON'));
    }
    const logger = this.logger.child({ command: name, correlationId: message.properties.correlationId });
    try {
      const data = await inSpan(
        `rpc ${name}`,
        SpanKind.SERVER,
        contextFromHeaders(message.properties.headers),
        { 'rpc.system': 'rabbitmq', 'rpc.method': name },
        () => handler(request, { attempt: 1, logger }),
      );
      return { ok: true, data };
    } catch (error) {
      if (isUntrustedError(error)) {
        logger.fatal({ err: error }, 'command handler failed with an untrusted error; the process ends');
        onUntrusted(error);
        return failure(new AppError('INTERNAL', 'internal error'));
      }
      if (error instanceof AppError) return failure(error);
      const translated = this.translateError(error);
      if (translated) {
        logger.warn({ err: error, code: translated.code }, 'command failed on a dependency');
        return failure(translated);
      }
      logger.error({ err: error }, 'command handler failed');
      return failure(new AppError('INTERNAL', 'internal error'));
    }
  }
}

function failure(error: AppError): RpcResponse {
  return { ok: false, error: error.toJSON() };
}
