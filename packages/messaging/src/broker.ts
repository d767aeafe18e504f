import {
  AppError,
  type CommandName,
  type CommandReply,
  type CommandRequest,
  type Envelope,
  type EventType,
  type OccupancyNotice,
  commands,
  exchangeOf,
  exchanges,
  occupancyNoticeType,
  parseEvent,
} from '@otk/contracts';
import { SpanKind, context } from '@opentelemetry/api';
import type { Options } from 'amqplib';
import { type AmqpConnectionManager, connect } from 'amqp-connection-manager';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import {
  type EventConsumerSpec,
  checkHandlers,
  defaultMaxAttempts,
  defaultRetryDelaysMs,
  eventHandler,
} from './event-consumer.js';
import { headerNames } from './headers.js';
import { type MessagingMetrics, brokerGauges, messagingMetrics } from './metrics.js';
import { declareNoticeQueue, noticeHandler } from './occupancy-notices.js';
import { Publisher } from './publisher.js';
import { QueueConsumer, type QueueConsumerOptions } from './queue-consumer.js';
import { RpcClient } from './rpc-client.js';
import { type CommandHandler, type ErrorTranslator, RpcServer } from './rpc-server.js';
import {
  deadLetterQueueOf,
  declareCommandQueue,
  declareDelayQueue,
  declareEventQueue,
  delayQueueOf,
} from './topology.js';
import { inSpan, traceHeaders } from './tracing.js';

export interface BrokerOptions {
  /** AMQP URL including the vhost. */
  url: string;
  /** Names the connection (in the broker's management UI). */
  service: string;
  logger: Logger;
  /** The service's own registry; its default labels add `service` to the messaging metrics. */
  registry: Registry;
  /** Unacked deliveries per consumer channel; default 20. */
  prefetch?: number;
  /**
   * Recognises errors of the service's own dependencies (e.g. an unreachable database): a command
   * that fails with one is answered with the translated code (UNAVAILABLE) instead of INTERNAL,
   * and an event that fails with UNAVAILABLE is retried without using up one of its attempts.
   */
  translateError?: ErrorTranslator;
  /**
   * Called once, after a handler failed with an untrusted error (`AppError.isTrusted` false) and
   * its message was settled (an event requeued, a command answered INTERNAL). By then every
   * consumer of this broker is halted; the process must end, non-zero, and be restarted by its
   * orchestrator. Default: close this broker, then `process.exit(1)`. `@otk/runtime` passes the
   * service's own graceful shutdown.
   */
  onUntrustedError?: (error: unknown) => void;
}

const DEFAULT_PUBLISH_TIMEOUT_MS = 10000;
const DEFAULT_CALL_TIMEOUT_MS = 5000;
const DEFAULT_CLOSE_TIMEOUT_MS = 10000;
/** amqp-connection-manager retries at this fixed interval, forever. */
const RECONNECT_INTERVAL_SECONDS = 1;

/**
 * The one way services talk to RabbitMQ: events (publish, delayed publish, consume with retries and
 * a dead-letter queue) and commands (RPC). Built on amqp-connection-manager, which reconnects and
 * re-runs each channel's setup — declarations and consumers — on every new connection.
 */
export class Broker {
  private readonly manager: AmqpConnectionManager;
  private readonly logger: Logger;
  private readonly service: string;
  private readonly metrics: MessagingMetrics;
  private readonly prefetch: number;
  private readonly translateError: ErrorTranslator;
  private readonly publisher: Publisher;
  private readonly consumers: QueueConsumer[] = [];
  private readonly rpcServers = new Map<string, { server: RpcServer; started: Promise<void> }>();
  private readonly delayQueues = new Map<number, Promise<string>>();
  private rpcClient: RpcClient | undefined;
  /** The queues whose depth the metrics report: those consumed, and the event queues' dead-letter queues. */
  private readonly watchedQueues: string[] = [];
  private readonly untrackGauges: () => void;
  private readonly onUntrustedError: (error: unknown) => void;
  private untrustedSeen = false;
  private closing: Promise<void> | undefined;
  /** Set once in-flight handlers are done: from then on nothing is sent. Until then, their retries and replies are. */
  private closed = false;
  /** Counts the connections made; RPC servers compare it to know a request's reply path is gone. */
  private connections = 0;

  constructor(options: BrokerOptions) {
    this.logger = options.logger.child({ component: 'messaging' });
    this.service = options.service;
    this.metrics = messagingMetrics(options.registry);
    this.prefetch = options.prefetch ?? 20;
    this.translateError = options.translateError ?? (() => undefined);
    this.onUntrustedError =
      options.onUntrustedError ??
      (() => {
        void this.close().finally(() => process.exit(1));
      });
    this.manager = connect(options.url, {
      reconnectTimeInSeconds: RECONNECT_INTERVAL_SECONDS,
      connectionOptions: {
        clientProperties: { connection_name: `${options.service}@${hostname()}` },
        // Without it, Nagle's algorithm holds back the last segment of a larger frame until the
        // peer's delayed acknowledgement (~40 ms): every RPC answer over ~2 KB would wait for it.
        noDelay: true,
      },
    });
    this.manager.on('connect', () => {
      this.connections += 1;
      this.logger.info('connected to the broker');
    });
    this.manager.on('disconnect', ({ err }) => {
      if (!this.closed) this.logger.warn({ err }, 'disconnected from the broker; reconnecting');
    });
    this.manager.on('connectFailed', ({ err }) =>
      this.logger.warn({ err }, 'could not connect to the broker; retrying'),
    );
    this.manager.on('blocked', ({ reason }) => this.logger.warn({ reason }, 'the broker blocks publishing'));
    this.manager.on('unblocked', () => this.logger.info('the broker unblocked publishing'));
    this.publisher = new Publisher(this.manager, {
      isClosed: () => this.closed,
      onChannelError: (error) => this.recover(error),
      logger: this.logger,
    });
    this.untrackGauges = brokerGauges(options.registry, {
      isConnected: () => !this.closed && this.isConnected(),
      queueDepths: () => this.queueDepths(),
    });
  }

  /** Resolves once connected with the exchanges declared; rejects with UNAVAILABLE after `timeoutMs`. */
  async waitUntilConnected(timeoutMs = 10000): Promise<void> {
    const abort = new AbortController();
    const timeout = sleep(timeoutMs, undefined, { signal: abort.signal }).then(() => {
      throw new AppError('UNAVAILABLE', `not connected to the broker within ${timeoutMs} ms`);
    });
    try {
      await Promise.race([this.publisher.ready(), timeout]);
    } finally {
      abort.abort();
      timeout.catch(() => undefined);
    }
  }

  isConnected(): boolean {
    return this.manager.isConnected();
  }

  /**
   * Publishes an event to `events`, or a notice to `notices` (routing key = its type), and resolves once the broker confirms.
   * While disconnected it waits for the reconnect, up to `timeoutMs`, then rejects with UNAVAILABLE
   * so the caller (the outbox relay) can try again later.
   */
  async publish(event: Envelope, options: { timeoutMs?: number } = {}): Promise<void> {
    await this.send(exchangeOf(event.type), event, {}, options.timeoutMs ?? DEFAULT_PUBLISH_TIMEOUT_MS);
  }

  /** Publishes an event that reaches `events` only after `delayMs` (a delay queue per distinct delay). */
  async publishDelayed(event: Envelope, delayMs: number): Promise<void> {
    if (!Number.isInteger(delayMs) || delayMs <= 0)
      throw new AppError('VALIDATION_FAILED', `delay must be a positive integer of ms, not ${delayMs}`);
    const delayQueue = await this.delayQueue(delayMs);
    await this.send(exchanges.delay, event, { [headerNames.delayQueue]: delayQueue }, DEFAULT_PUBLISH_TIMEOUT_MS);
  }

  /**
   * Sends an occupancy notice to every replica that follows them (a fanout, not persisted) and
   * resolves once the broker has routed it: whoever hears of the booking after that — a client
   * answered 201 asking again — asks replicas that have the notice in their queue already.
   */
  async publishNotice(notice: OccupancyNotice, timeoutMs: number): Promise<void> {
    if (this.closed) throw new AppError('UNAVAILABLE', 'the broker connection is closed');
    await this.publisher.send(
      exchanges.occupancy,
      '',
      Buffer.from(JSON.stringify(notice)),
      { persistent: false, messageId: randomUUID(), type: occupancyNoticeType, contentType: 'application/json' },
      timeoutMs,
    );
  }

  /**
   * Follows the occupancy notices on a queue of this replica's own. `follow` runs synchronously
   * for each; notices sent while this replica was disconnected are not seen (the events are).
   */
  async followNotices(follow: (notice: OccupancyNotice) => void): Promise<void> {
    const queue = `${exchanges.occupancy}.${this.service}.${randomUUID()}`;
    // Not watched: the queue's name is this replica's own, no label for a metric.
    await this.consume(
      {
        queue,
        declare: (channel) => declareNoticeQueue(channel, queue),
        handle: noticeHandler(follow, { metrics: this.metrics, logger: this.logger }),
      },
      { watched: false },
    );
  }

  /**
   * Consumes `spec.queue`, bound to `events` for `spec.routingKeys`, each event going to the
   * handler of its type. Resolves once consuming; rejects if the handlers do not match the routing
   * keys one to one, or the queue cannot be declared (e.g. it exists with other arguments).
   */
  async consumeEvents<K extends EventType>(spec: EventConsumerSpec<K>): Promise<void> {
    checkHandlers(spec as unknown as EventConsumerSpec);
    const full = {
      maxAttempts: defaultMaxAttempts,
      retryDelaysMs: defaultRetryDelaysMs,
      ...spec,
    };
    if (!Number.isInteger(full.maxAttempts) || full.maxAttempts < 1)
      throw new AppError('VALIDATION_FAILED', 'maxAttempts must be at least 1');
    if (full.retryDelaysMs.length === 0 || !full.retryDelaysMs.every((ms) => Number.isInteger(ms) && ms > 0)) {
      throw new AppError('VALIDATION_FAILED', 'retryDelaysMs must be positive integers of ms, at least one');
    }
    this.watchedQueues.push(deadLetterQueueOf(full.queue));
    await this.consume({
      queue: full.queue,
      declare: (channel) => declareEventQueue(channel, full),
      handle: eventHandler(full as unknown as Required<EventConsumerSpec>, {
        publisher: this.publisher,
        metrics: this.metrics,
        logger: this.logger,
        translateError: this.translateError,
      }),
    });
  }

  /** Serves one command on its service's RPC queue; resolves once the queue is consumed. */
  async serveCommand<N extends CommandName>(name: N, handler: CommandHandler<N>): Promise<void> {
    const queue = commands[name].queue;
    let entry = this.rpcServers.get(queue);
    if (!entry) {
      const connection = { isConnected: () => this.isConnected(), generation: () => this.connections };
      const server = new RpcServer(queue, this.publisher, connection, this.logger, this.translateError, () =>
        this.metrics.messages.inc({ queue, outcome: 'expired' }),
      );
      entry = {
        server,
        started: this.consume({
          queue,
          declare: (channel) => declareCommandQueue(channel, queue),
          handle: (message) => server.handle(message),
        }),
      };
      this.rpcServers.set(queue, entry);
    }
    entry.server.register(name, handler);
    await entry.started;
  }

  /**
   * Sends a command and waits for its reply. Rejects with VALIDATION_FAILED before sending an
   * invalid request, with UNAVAILABLE at once while disconnected from the broker, with TIMEOUT
   * after `timeoutMs` (the server then has not carried it out, see `deadline.ts`), and with the
   * reply's code for an error reply.
   */
  async call<N extends CommandName>(
    name: N,
    request: CommandRequest<N>,
    options: { timeoutMs?: number } = {},
  ): Promise<CommandReply<N>> {
    if (this.closed) throw new AppError('UNAVAILABLE', 'the broker connection is closed');
    this.rpcClient ??= new RpcClient(this.manager, {
      onChannelError: (error) => this.recover(error),
      onLateReply: () => this.metrics.lateReplies.inc(),
      logger: this.logger,
    });
    return this.rpcClient.call(name, request, options.timeoutMs ?? DEFAULT_CALL_TIMEOUT_MS);
  }

  /**
   * Shuts down gracefully: no new deliveries, in-flight handlers finish (up to `timeoutMs`),
   * pending calls fail with UNAVAILABLE, then channels and connection close.
   */
  close(timeoutMs = DEFAULT_CLOSE_TIMEOUT_MS): Promise<void> {
    this.closing ??= this.shutDown(timeoutMs);
    return this.closing;
  }

  private async shutDown(timeoutMs: number): Promise<void> {
    await Promise.all(this.consumers.map((consumer) => consumer.cancel()));
    const abort = new AbortController();
    const drained = await Promise.race([
      Promise.all(this.consumers.map((consumer) => consumer.drained())).then(() => true),
      sleep(timeoutMs, false, { signal: abort.signal }).catch(() => false),
    ]);
    abort.abort();
    // Unfinished deliveries stay unacked; the broker hands them out again once the channel is closed.
    if (!drained) this.logger.warn({ timeoutMs }, 'closing with handlers still running');
    this.closed = true;
    this.untrackGauges();
    this.rpcClient?.rejectPending(new AppError('UNAVAILABLE', 'the broker connection closed'));
    await this.manager.close();
  }

  private async send(
    exchange: string,
    event: Envelope,
    extraHeaders: Record<string, string>,
    timeoutMs: number,
  ): Promise<void> {
    if (this.closed) throw new AppError('UNAVAILABLE', 'the broker connection is closed');
    const checked = parseEvent(event);
    if (!checked.ok) throw new AppError('VALIDATION_FAILED', `event ${event.id} not published: ${checked.reason}`);
    const attributes = {
      'messaging.system': 'rabbitmq',
      'messaging.operation.type': 'publish',
      'messaging.destination.name': exchange,
      'messaging.rabbitmq.destination.routing_key': event.type,
      'messaging.message.id': event.id,
    };
    await inSpan(`publish ${event.type}`, SpanKind.PRODUCER, context.active(), attributes, (spanContext) => {
      const properties: Options.Publish = {
        persistent: true,
        messageId: event.id,
        type: event.type,
        contentType: 'application/json',
        headers: { ...traceHeaders(spanContext), ...extraHeaders },
      };
      return this.publisher.send(exchange, event.type, Buffer.from(JSON.stringify(event)), properties, timeoutMs);
    });
  }

  /** Declares the delay queue once per delay, as a publisher setup so it is declared again after reconnects. */
  private delayQueue(delayMs: number): Promise<string> {
    let declared = this.delayQueues.get(delayMs);
    if (!declared) {
      declared = this.publisher
        .addSetup(async (channel) => {
          await declareDelayQueue(channel, exchanges.events, delayMs);
        })
        .then(() => delayQueueOf(exchanges.events, delayMs));
      // Not remembered when it failed, so the next publish tries again.
      declared.catch(() => this.delayQueues.delete(delayMs));
      this.delayQueues.set(delayMs, declared);
    }
    return declared;
  }

  /**
   * The depth of the watched queues, looked up on a channel of its own that is closed again: a
   * queue deleted meanwhile closes that channel only, and the queues after it go unreported.
   */
  private async queueDepths(): Promise<{ queue: string; messages: number; consumers: number }[]> {
    const connection = this.manager.connection;
    if (!connection || this.closed) return [];
    const channel = await connection.createChannel();
    channel.on('error', () => undefined);
    const depths: { queue: string; messages: number; consumers: number }[] = [];
    try {
      for (const queue of this.watchedQueues) {
        const { messageCount, consumerCount } = await channel.checkQueue(queue);
        depths.push({ queue, messages: messageCount, consumers: consumerCount });
      }
    } catch {
      // reported as far as it got
    } finally {
      await channel.close().catch(() => undefined);
    }
    return depths;
  }

  private async consume(
    options: Pick<QueueConsumerOptions, 'queue' | 'declare' | 'handle'>,
    { watched = true } = {},
  ): Promise<void> {
    if (watched) this.watchedQueues.push(options.queue);
    const consumer = new QueueConsumer(this.manager, {
      ...options,
      prefetch: this.prefetch,
      logger: this.logger,
      onBroken: (error) => this.recover(error),
      onUntrusted: (error) => this.untrusted(error),
    });
    this.consumers.push(consumer);
    await consumer.started;
  }

  /**
   * A handler failed with an untrusted error and its message is settled: nothing more is handled
   * here (deliveries already on their way are put back), and the process is told to end.
   */
  private untrusted(error: unknown): void {
    if (this.untrustedSeen) return;
    this.untrustedSeen = true;
    this.logger.fatal({ err: error }, 'a handler failed with an untrusted error; the process ends');
    for (const consumer of this.consumers) void consumer.halt();
    this.onUntrustedError(error);
  }

  /**
   * amqp-connection-manager re-opens a channel only when the connection comes back, so a channel
   * the broker closed (a channel error, a consumer cancelled because its queue was deleted) would
   * stay dead while the connection lives. Closing the connection makes it reconnect and set up
   * every channel — declarations and consumers — anew.
   */
  private recover(error: Error): void {
    if (this.closed) return;
    this.logger.error({ err: error }, 'a channel broke; reconnecting to set it up again');
    this.manager.connection?.close().catch(() => undefined);
  }
}
