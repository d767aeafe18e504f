import {
  AppError,
  type CommandName,
  type CommandReply,
  type CommandRequest,
  type RpcResponse,
  commands,
  isErrorCode,
  rpcResponseSchema,
} from '@otk/contracts';
import { SpanKind, context } from '@opentelemetry/api';
import type { Channel, ConsumeMessage } from 'amqplib';
import type { AmqpConnectionManager, ChannelWrapper } from 'amqp-connection-manager';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { currentDeadline } from './deadline.js';
import { headerNames } from './headers.js';
import { inSpan, traceHeaders } from './tracing.js';
import { UnavailablePause } from './unavailable-pause.js';
import { describeIssues } from './validation-issues.js';

/**
 * RabbitMQ's direct reply-to: replies come straight back to the channel that sent the request,
 * with no reply queue to declare or clean up. The broker resolves this name per channel, so a
 * request sent after a reconnect is answered on the new channel. A request in flight when its
 * channel fell loses its reply and times out.
 */
const DIRECT_REPLY_TO = 'amq.rabbitmq.reply-to';

interface PendingCall {
  resolve(response: RpcResponse): void;
  reject(error: AppError): void;
  timer: NodeJS.Timeout;
}

/**
 * The server must be done this long before the caller stops waiting, so that its reply (and the
 * commit before it) arrives in time even on a busy machine: a fifth of the wait, at most 1 s.
 */
export function replyAllowanceMs(waitMs: number): number {
  return Math.min(1000, Math.floor(waitMs / 5));
}

/**
 * Sends commands and matches replies to calls by correlation id. Every request carries its
 * deadline, so what the caller was told timed out or failed is never carried out later.
 */
export class RpcClient {
  private readonly channel: ChannelWrapper;
  private readonly pending = new Map<string, PendingCall>();
  /** Calls to a queue whose server just answered UNAVAILABLE fail at once for a while. */
  private readonly pause = new UnavailablePause();

  constructor(
    private readonly manager: AmqpConnectionManager,
    private readonly options: { onChannelError: (error: Error) => void; onLateReply: () => void; logger: Logger },
  ) {
    this.channel = manager.createChannel({
      name: 'rpc-client',
      confirm: false,
      // Direct reply-to needs the consumer on the very channel that publishes, before it publishes.
      setup: async (channel: Channel) => {
        channel.on('error', options.onChannelError);
        await channel.consume(DIRECT_REPLY_TO, (message) => message && this.onReply(message), { noAck: true });
      },
    });
    this.channel.on('error', (error) => options.logger.error({ err: error }, 'RPC client channel setup failed'));
  }

  async call<N extends CommandName>(name: N, request: CommandRequest<N>, timeoutMs: number): Promise<CommandReply<N>> {
    const spec = commands[name];
    const checked = spec.request.safeParse(request);
    if (!checked.success) {
      throw new AppError('VALIDATION_FAILED', `invalid ${name} request: ${describeIssues(checked.error.issues)}`);
    }
    // While the broker is known to be down, say so at once: a request held back for the
    // reconnect would only reach the server after its caller gave up.
    if (!this.manager.isConnected()) throw new AppError('UNAVAILABLE', `${name} not sent: no connection to the broker`);
    const now = Date.now();
    // Served on behalf of a command of our own, the call must not outlast that command's deadline.
    const inherited = currentDeadline();
    const waitMs = Math.floor(Math.min(timeoutMs, inherited === undefined ? timeoutMs : inherited - now));
    if (waitMs <= 0) throw new AppError('TIMEOUT', `${name} not sent: the deadline has passed`);
    const deadline = now + waitMs - replyAllowanceMs(waitMs);
    if (!this.pause.mayCall(spec.queue, now)) {
      throw new AppError('UNAVAILABLE', `${name} not sent: ${spec.queue} answered UNAVAILABLE a moment ago`);
    }
    let answeredUnavailable = false;
    return inSpan(
      `rpc ${name}`,
      SpanKind.CLIENT,
      context.active(),
      { 'rpc.system': 'rabbitmq', 'rpc.method': name },
      async (spanContext) => {
        const correlationId = randomUUID();
        const replied = this.awaitReply(correlationId, name, waitMs);
        this.channel
          .publish('', spec.queue, Buffer.from(JSON.stringify(request)), {
            correlationId,
            messageId: correlationId,
            replyTo: DIRECT_REPLY_TO,
            type: name,
            contentType: 'application/json',
            // Nobody waits for the reply after the timeout, so the broker drops the request unserved
            // then; the deadline header covers the time before the broker has it.
            expiration: waitMs,
            headers: { ...traceHeaders(spanContext), [headerNames.deadline]: deadline },
            timeout: waitMs,
          })
          .catch(() =>
            this.settle(correlationId, (call) => call.reject(new AppError('UNAVAILABLE', `${name} request not sent`))),
          );
        const response = await replied;
        if (!response.ok) {
          const { code, message, details } = response.error;
          answeredUnavailable = code === 'UNAVAILABLE';
          throw new AppError(isErrorCode(code) ? code : 'INTERNAL', message, details);
        }
        const reply = spec.reply.safeParse(response.data);
        if (!reply.success)
          throw new AppError('INTERNAL', `invalid ${name} reply: ${describeIssues(reply.error.issues)}`);
        return reply.data as CommandReply<N>;
      },
    ).finally(() => this.pause.settled(spec.queue, answeredUnavailable, Date.now()));
  }

  /** Fails every call still waiting for its reply. */
  rejectPending(error: AppError): void {
    for (const correlationId of [...this.pending.keys()]) this.settle(correlationId, (call) => call.reject(error));
  }

  private awaitReply(correlationId: string, name: string, timeoutMs: number): Promise<RpcResponse> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () =>
          this.settle(correlationId, (call) =>
            call.reject(new AppError('TIMEOUT', `no reply to ${name} within ${timeoutMs} ms`)),
          ),
        timeoutMs,
      );
      this.pending.set(correlationId, { resolve, reject, timer });
    });
  }

  private onReply(message: ConsumeMessage): void {
    const correlationId: unknown = message.properties.correlationId;
    if (typeof correlationId !== 'string') return;
    const response = rpcResponseSchema.safeParse(parseJson(message.content));
    if (!this.pending.has(correlationId)) {
      // Its caller was already told the call failed. A late success is a change the caller was
      // told did not happen: the server broke the deadline rule (clocks further apart than the
      // reply allowance, or a reply slower than it). Counted, so that it can be alerted on.
      if (response.success && response.data.ok) {
        this.options.onLateReply();
        this.options.logger.warn({ correlationId }, 'a successful RPC reply arrived after its call had failed');
      }
      return;
    }
    this.settle(correlationId, (call) => {
      if (response.success) call.resolve(response.data);
      else call.reject(new AppError('INTERNAL', 'malformed RPC reply'));
    });
  }

  /** Settles a call once: the first of reply, timeout, failed send and shutdown wins; late replies are ignored. */
  private settle(correlationId: string, outcome: (call: PendingCall) => void): void {
    const call = this.pending.get(correlationId);
    if (!call) return;
    this.pending.delete(correlationId);
    clearTimeout(call.timer);
    outcome(call);
  }
}

function parseJson(content: Buffer): unknown {
  try {
    return JSON.parse(content.toString('utf8'));
  } catch {
    return undefined;
  }
}
