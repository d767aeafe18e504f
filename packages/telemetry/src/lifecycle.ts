import type { Logger } from 'pino';

/**
 * Ends the process cleanly on SIGTERM/SIGINT: `stop` finishes in-flight work and closes
 * connections; if it takes longer than `timeoutMs` the process exits anyway (exit code 1), since
 * Kubernetes would kill it soon after. An unhandled rejection or uncaught exception is an untrusted
 * error: logged, then the process stops rather than run on in an unknown state. Returns the same
 * shutdown for other reasons to end the process (e.g. a message handler's untrusted error); only
 * the first call counts.
 */
export function handleShutdown(options: {
  logger: Logger;
  timeoutMs: number;
  stop: () => Promise<void>;
}): (reason: string, exitCode: number) => void {
  const { logger, timeoutMs, stop } = options;
  let stopping = false;
  const shutdown = (reason: string, exitCode: number) => {
    if (stopping) return;
    stopping = true;
    logger.info({ reason }, 'shutting down');
    const timer = setTimeout(() => {
      logger.error({ timeoutMs }, 'shutdown timed out');
      process.exit(1);
    }, timeoutMs);
    timer.unref();
    stop().then(
      () => {
        logger.info('stopped');
        process.exit(exitCode);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM', 0));
  process.once('SIGINT', () => shutdown('SIGINT', 0));
  process.on('unhandledRejection', (error) => {
    logger.fatal({ err: error }, 'unhandled rejection');
    shutdown('unhandledRejection', 1);
  });
  process.on('uncaughtException', (error) => {
    logger.fatal({ err: error }, 'uncaught exception');
    shutdown('uncaughtException', 1);
  });
  return shutdown;
}
