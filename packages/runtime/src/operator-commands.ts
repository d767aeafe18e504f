import { commonEnvSchema, parseConfig, z } from '@otk/config';
import { createPool } from '@otk/db';
import { type Subscription, processDeadLetters } from '@otk/messaging';
import { parseArgs } from 'node:util';
import type pg from 'pg';

/**
 * A command an operator runs in a service's container (`node services/<service>/dist/main.js
 * <name> …`), e.g. through `kubectl exec`. It prints JSON lines on stdout and never a payload.
 */
export interface OperatorCommand {
  summary: string;
  options: Record<string, { type: 'string' | 'boolean'; description: string }>;
  run(context: {
    values: Record<string, string | boolean | undefined>;
    pool: () => pg.Pool;
    env: { DATABASE_URL: string; AMQP_URL: string };
    print(line: Record<string, unknown>): void;
  }): Promise<void>;
}

/** `replay-dead-letters`: every service that consumes events has it, for its own queues. */
export function replayDeadLettersCommand(subscriptions: readonly Subscription[]): OperatorCommand {
  const queues = subscriptions.map((s) => s.queue);
  return {
    summary: `replays the dead-letter queues of ${queues.join(', ') || '(no queue)'}`,
    options: {
      queue: { type: 'string', description: 'only this consumer queue (default: all of the service)' },
      limit: { type: 'string', description: 'at most this many messages per queue' },
      'dry-run': { type: 'boolean', description: 'list the parked messages, change nothing' },
      'discard-invalid': { type: 'boolean', description: 'remove the messages parked as invalid, replay nothing' },
    },
    async run({ values, env, print }) {
      const queue = values.queue as string | undefined;
      if (queue !== undefined && !queues.includes(queue))
        throw new Error(`unknown queue "${queue}": this service consumes ${queues.join(', ')}`);
      const limit = values.limit === undefined ? undefined : Number(values.limit);
      if (limit !== undefined && !(Number.isInteger(limit) && limit > 0))
        throw new Error('--limit must be a positive integer');
      const mode = values['dry-run'] ? 'list' : values['discard-invalid'] ? 'discardInvalid' : 'replay';
      for (const name of queue ? [queue] : queues) {
        const report = await processDeadLetters(env.AMQP_URL, name, { mode, limit });
        for (const message of report.messages) print({ queue: name, ...message });
        print({
          queue: name,
          mode,
          found: report.messages.length,
          replayed: report.replayed,
          discarded: report.discarded,
        });
      }
    },
  };
}

/** Runs `command` with the process's arguments after it; the exit code tells how it went. */
export async function runOperatorCommand(name: string, command: OperatorCommand, argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: Object.fromEntries(Object.entries(command.options).map(([key, { type }]) => [key, { type }])),
    strict: true,
    allowPositionals: false,
  });
  const env = parseConfig(z.object({ DATABASE_URL: commonEnvSchema.DATABASE_URL, AMQP_URL: commonEnvSchema.AMQP_URL }));
  let pool: pg.Pool | undefined;
  try {
    await command.run({
      values,
      env,
      pool: () => (pool ??= createPool({ connectionString: env.DATABASE_URL, applicationName: `${name} (operator)` })),
      print: (line) => process.stdout.write(`${JSON.stringify(line)}\n`),
    });
  } finally {
    await pool?.end();
  }
}

/** The text of `main.js help`. */
export function commandHelp(commands: Record<string, OperatorCommand>): string {
  const lines = ['commands: serve (default), migrate'];
  for (const [name, command] of Object.entries(commands)) {
    lines.push(`  ${name}: ${command.summary}`);
    for (const [option, { type, description }] of Object.entries(command.options))
      lines.push(`    --${option}${type === 'string' ? ' <value>' : ''}  ${description}`);
  }
  return `${lines.join('\n')}\n`;
}
