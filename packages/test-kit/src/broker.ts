import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The broker tests run against; `.ci/run` makes sure it is up. */
export const TEST_AMQP_URL = process.env.TEST_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

export async function rabbitmqctl(...args: string[]): Promise<string> {
  const { stdout } = await run('rabbitmqctl', ['-q', ...args], { timeout: 60000 });
  return stdout;
}

export interface TestVhost {
  name: string;
  url: string;
  remove(): Promise<void>;
}

/** Creates a RabbitMQ vhost of its own for one test run, with full rights for the test user. */
export async function createTestVhost(prefix = 'otk_test'): Promise<TestVhost> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const base = new URL(TEST_AMQP_URL);
  const user = decodeURIComponent(base.username || 'guest');
  await rabbitmqctl('add_vhost', name);
  await rabbitmqctl('set_permissions', '-p', name, user, '.*', '.*', '.*');
  const url = new URL(TEST_AMQP_URL);
  url.pathname = `/${encodeURIComponent(name)}`;
  return {
    name,
    url: url.toString(),
    async remove() {
      await rabbitmqctl('delete_vhost', name);
    },
  };
}

/** Closes every client connection to one vhost, as a broker restart or network cut would. */
export async function closeVhostConnections(vhost: string): Promise<void> {
  await rabbitmqctl('close_all_connections', '-p', vhost, 'closed by test');
}

/**
 * A broker outage for one vhost, as long as the caller wants: the test user loses access and
 * every connection is closed, so clients keep failing to reconnect until `end()` gives access back.
 */
export async function startBrokerOutage(vhost: TestVhost): Promise<{ end(): Promise<void> }> {
  const user = decodeURIComponent(new URL(vhost.url).username || 'guest');
  await rabbitmqctl('clear_permissions', '-p', vhost.name, user);
  await closeVhostConnections(vhost.name);
  return {
    async end() {
      await rabbitmqctl('set_permissions', '-p', vhost.name, user, '.*', '.*', '.*');
    },
  };
}
