import { type ChildProcess, spawn } from 'node:child_process';
import { waitFor } from '@otk/test-kit';
import { freePort } from './free-port.js';
import { stopProcess } from './stack.js';

export interface PostgresExporter {
  /** Where it serves /metrics (host:port), for a scrape job. */
  target: string;
  stop(): Promise<void>;
}

/**
 * prometheus-community's postgres_exporter (built by scripts/ci/install-observability-tools.sh)
 * on a free loopback port, reading the server of `databaseUrl` through that database with its
 * default collectors, as the chart's exporter does. Resolves once it has reached the server.
 */
export async function startPostgresExporter(options: {
  binary: string;
  databaseUrl: string;
}): Promise<PostgresExporter> {
  const dsn = new URL(options.databaseUrl);
  // lib/pq, the exporter's driver, asks for TLS unless told otherwise; the test servers have none.
  if (!dsn.searchParams.has('sslmode')) dsn.searchParams.set('sslmode', 'disable');
  const port = await freePort();
  const child: ChildProcess = spawn(options.binary, [`--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'], {
    env: { PATH: process.env.PATH ?? '', DATA_SOURCE_NAME: dsn.toString() },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const target = `127.0.0.1:${port}`;
  try {
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`postgres_exporter exited with ${child.exitCode}: ${stderr}`);
        const metrics = await fetch(`http://${target}/metrics`).then(
          (response) => response.text(),
          () => '',
        );
        return /^pg_up 1$/m.test(metrics) ? true : undefined;
      },
      { timeoutMs: 30000, intervalMs: 250, what: 'postgres_exporter to reach the database' },
    );
  } catch (error) {
    await stopProcess(child);
    throw error;
  }
  return { target, stop: async () => void (await stopProcess(child)) };
}
