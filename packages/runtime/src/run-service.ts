import { ConfigError, commonEnvSchema, env, parseConfig, z } from '@otk/config';
import {
  type MigrationSet,
  OutboxRelay,
  assertSchemaCurrent,
  createPool,
  isDatabaseUnavailable,
  ping,
  poolGauges,
  runMigrations,
  unavailableFromDatabase,
} from '@otk/db';
import { Broker, type Subscription, declareSubscriptions } from '@otk/messaging';
import {
  type Logger,
  type Metrics,
  createHttpApp,
  createLogger,
  createServiceApp,
  createMetrics,
  handleShutdown,
  initTracing,
  listen,
} from '@otk/telemetry';
import type { Express } from 'express';
import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import { serveDeadLetterCommands } from './dead-letter-commands.js';
import { httpServerEnv, listenWithLimits } from './public-server.js';
import {
  type OperatorCommand,
  commandHelp,
  replayDeadLettersCommand,
  runOperatorCommand,
} from './operator-commands.js';

/**
 * The environment every service reads, on top of its own variables. PORT serves the service's own
 * routes (the gateway's API); MANAGEMENT_PORT serves /healthz, /readyz and /metrics, apart from
 * anything an ingress routes. Each service sets its own default ports.
 */
export const baseServiceEnv = {
  ...commonEnvSchema,
  PORT: env.port(8080),
  HOST: env.host(),
  MANAGEMENT_PORT: env.port(9080),
  MANAGEMENT_HOST: env.host(),
  ...httpServerEnv,
};
type BaseConfig = z.infer<z.ZodObject<typeof baseServiceEnv>>;

export interface ServiceContext<C extends BaseConfig> {
  config: C;
  logger: Logger;
  metrics: Metrics;
  pool: pg.Pool;
  broker: Broker;
  /** The service's HTTP app on PORT, empty until the service adds routes (health and metrics are on the management port). */
  app: Express;
}

export interface ServiceDefinition<S extends z.ZodObject> {
  name: string;
  /** Must include `baseServiceEnv`. */
  configSchema: S;
  migrations: MigrationSet;
  /** The consumer queues the service reads; its migration job declares them ahead of its first start. */
  subscriptions?: readonly Subscription[];
  /** Publishes the service's transactional outbox to the broker (services that emit events). */
  outbox?: boolean;
  /** Commands for operators besides `serve`, `migrate` and `replay-dead-letters` (see operator-commands.ts). */
  operatorCommands?: Record<string, OperatorCommand>;
  /** Wires consumers and routes; returns what must stop before the broker and pool close. */
  start(context: ServiceContext<z.infer<S> & BaseConfig>): Promise<{ stop?: () => Promise<void> } | void>;
}

export interface RunningService {
  port: number;
  /** The port of /healthz, /readyz and /metrics. */
  managementPort: number;
  logger: Logger;
  /** How long `stop` may take (SHUTDOWN_TIMEOUT_MS). */
  shutdownTimeoutMs: number;
  stop(): Promise<void>;
}

export interface StartHooks {
  /**
   * A message handler failed with an untrusted error (its message is settled, consumers halted):
   * the process must end. Default: stop the service, then exit with code 1.
   */
  onUntrustedError?: (error: unknown) => void;
}

/**
 * Starts a service: telemetry, database (refusing a schema older than the code), broker, outbox
 * relay, its own wiring, then the HTTP server. Used by `main.ts` and by in-process tests.
 */
export async function startService<S extends z.ZodObject>(
  definition: ServiceDefinition<S>,
  environment: Record<string, string | undefined> = process.env,
  hooks: StartHooks = {},
): Promise<RunningService> {
  const config = parseConfig(definition.configSchema, environment) as z.infer<S> & BaseConfig;
  const tracing = initTracing({ service: definition.name, otlpEndpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT });
  const logger = createLogger(definition.name, config.LOG_LEVEL);
  const metrics = createMetrics(definition.name);
  const pool = createPool({ connectionString: config.DATABASE_URL, applicationName: definition.name });
  poolGauges(metrics.registry, pool);
  try {
    // A database that is down or restarting is waited for; a schema older than the code is not.
    await untilAvailable(logger, 'the database', () => assertSchemaCurrent(pool, definition.migrations));
  } catch (error) {
    await pool.end();
    throw error;
  }
  const started: { service?: RunningService } = {};
  const broker = new Broker({
    url: config.AMQP_URL,
    service: definition.name,
    logger,
    registry: metrics.registry,
    translateError: unavailableFromDatabase,
    onUntrustedError:
      hooks.onUntrustedError ??
      (() => {
        // Still starting: nothing else to stop than what the exit ends anyway.
        if (!started.service) process.exit(1);
        void started.service.stop().finally(() => process.exit(1));
      }),
  });
  await untilAvailable(logger, 'the broker', () => broker.waitUntilConnected(STARTUP_RETRY_MAX_MS));

  const relay = definition.outbox
    ? new OutboxRelay({
        pool,
        schema: definition.migrations.schema,
        publish: (event) => broker.publish(event),
        logger,
        registry: metrics.registry,
      })
    : undefined;
  relay?.start();

  const app = createServiceApp({ metrics, logger });
  const management = createHttpApp({
    metrics,
    logger,
    checks: {
      database: () => ping(pool),
      broker: () => {
        if (!broker.isConnected()) throw new Error('not connected to the broker');
      },
    },
  });
  const wired = (await definition.start({ config, logger, metrics, pool, broker, app })) ?? {};
  await serveDeadLetterCommands(broker, definition.name, definition.subscriptions ?? [], config.AMQP_URL);
  const { server, port } = await listenWithLimits(app, config.PORT, config.HOST, config);
  const { server: managementServer, port: managementPort } = await listen(
    management,
    config.MANAGEMENT_PORT,
    config.MANAGEMENT_HOST,
  );
  logger.info({ port, managementPort }, `${definition.name} started`);

  started.service = {
    port,
    managementPort,
    logger,
    shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
    async stop() {
      // Order matters: no new requests, no new events out, in-flight messages finished, then
      // what the handlers use (mail transports, the pool) goes away.
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await relay?.stop();
      await broker.close(config.SHUTDOWN_TIMEOUT_MS);
      await wired.stop?.();
      await pool.end();
      await tracing.shutdown();
      // Last, so probes and scrapes see the process until it has let go of everything.
      await new Promise<void>((resolve) => managementServer.close(() => resolve()));
    },
  };
  return started.service;
}

const STARTUP_RETRY_FIRST_MS = 500;
const STARTUP_RETRY_MAX_MS = 10_000;

/**
 * Runs `attempt` until it succeeds, as long as it fails because `what` is unreachable. A service
 * started while its database or broker is down (a node restart, a failover) then comes up with
 * it instead of exiting and crash-looping; any other failure ends the start as before.
 */
async function untilAvailable(logger: Logger, what: string, attempt: () => Promise<void>): Promise<void> {
  for (let delayMs = STARTUP_RETRY_FIRST_MS; ; delayMs = Math.min(delayMs * 2, STARTUP_RETRY_MAX_MS)) {
    try {
      await attempt();
      return;
    } catch (error) {
      const unreachable = isDatabaseUnavailable(error) || (error as { code?: unknown }).code === 'UNAVAILABLE';
      if (!unreachable) throw error;
      logger.warn({ err: error, retryInMs: delayMs }, `${what} is unreachable at start-up; waiting for it`);
      await sleep(delayMs);
    }
  }
}

/**
 * The process entry point. `main.js migrate` is the migration job: it applies the service's
 * migrations, declares its consumer queues (so events published before its first start wait for
 * it) and exits; `main.js` runs the service until SIGTERM.
 */
export async function runService<S extends z.ZodObject>(definition: ServiceDefinition<S>): Promise<void> {
  const command = process.argv[2] ?? 'serve';
  try {
    if (command === 'migrate') {
      const { DATABASE_URL, AMQP_URL, LOG_LEVEL } = parseConfig(
        z.object({
          DATABASE_URL: commonEnvSchema.DATABASE_URL,
          AMQP_URL: commonEnvSchema.AMQP_URL,
          LOG_LEVEL: commonEnvSchema.LOG_LEVEL,
        }),
      );
      const logger = createLogger(definition.name, LOG_LEVEL);
      const { applied } = await runMigrations({ databaseUrl: DATABASE_URL, set: definition.migrations, logger });
      const subscriptions = definition.subscriptions ?? [];
      await declareSubscriptions(AMQP_URL, subscriptions);
      logger.info({ applied, queues: subscriptions.map((s) => s.queue) }, 'migrations done, queues declared');
      return;
    }
    const operatorCommands: Record<string, OperatorCommand> = {
      ...(definition.subscriptions?.length
        ? { 'replay-dead-letters': replayDeadLettersCommand(definition.subscriptions) }
        : {}),
      ...definition.operatorCommands,
    };
    if (command === 'help') {
      process.stdout.write(commandHelp(operatorCommands));
      return;
    }
    const operatorCommand = operatorCommands[command];
    if (operatorCommand) {
      await runOperatorCommand(definition.name, operatorCommand, process.argv.slice(3));
      return;
    }
    if (command !== 'serve') throw new Error(`unknown command "${command}": see "help"`);
    // An untrusted error in a message handler ends the process through the same graceful
    // shutdown as SIGTERM, with exit code 1; the orchestrator starts it again.
    const lifecycle: { shutdown?: (reason: string, exitCode: number) => void; untrustedWhileStarting?: boolean } = {};
    const running = await startService(definition, process.env, {
      onUntrustedError: () => {
        if (lifecycle.shutdown) lifecycle.shutdown('untrusted error', 1);
        else lifecycle.untrustedWhileStarting = true;
      },
    });
    // The broker gets the whole timeout for in-flight messages; the rest closes quickly.
    lifecycle.shutdown = handleShutdown({
      logger: running.logger,
      timeoutMs: running.shutdownTimeoutMs + 5000,
      stop: running.stop,
    });
    if (lifecycle.untrustedWhileStarting) lifecycle.shutdown('untrusted error', 1);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const variables = error instanceof ConfigError ? error.issues : undefined;
    process.stderr.write(`${JSON.stringify({ level: 'fatal', service: definition.name, msg: message, variables })}\n`);
    process.exit(error instanceof ConfigError ? 78 : 1);
  }
}
