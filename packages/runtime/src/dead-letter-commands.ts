import { AppError, type DeadLetterService, deadLetterCommandNames } from '@otk/contracts';
import { type Broker, type Subscription, processDeadLetters } from '@otk/messaging';

/** At most this many messages go back per replay command, so one answer stays within its deadline. */
const REPLAY_BATCH = 500;

function isDeadLetterService(name: string): name is DeadLetterService {
  return Object.hasOwn(deadLetterCommandNames, name);
}

/**
 * The console's view of a service's dead-letter queues (operations.ts): a list of what is parked
 * (ids, types, reasons; never a payload) and a replay of one queue, the same work as the
 * `replay-dead-letters` operator command. Served by every service that consumes events.
 */
export async function serveDeadLetterCommands(
  broker: Broker,
  service: string,
  subscriptions: readonly Subscription[],
  amqpUrl: string,
): Promise<void> {
  if (!isDeadLetterService(service) || subscriptions.length === 0) return;
  const names = deadLetterCommandNames[service];
  const queues = subscriptions.map((s) => s.queue);
  await broker.serveCommand(names.list, async ({ limit }) => ({
    queues: await Promise.all(
      queues.map(async (queue) => {
        const report = await processDeadLetters(amqpUrl, queue, { mode: 'list', limit });
        return { queue, parked: report.parked, messages: report.messages };
      }),
    ),
  }));
  await broker.serveCommand(names.replay, async ({ queue }) => {
    if (!queues.includes(queue)) throw new AppError('NOT_FOUND', `${service} consumes no queue of this name`);
    const report = await processDeadLetters(amqpUrl, queue, { mode: 'replay', limit: REPLAY_BATCH });
    return { queue, replayed: report.replayed };
  });
}
