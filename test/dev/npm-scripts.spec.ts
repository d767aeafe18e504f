import { type TestDatabase, type TestVhost, createTestDatabase, createTestVhost } from '@otk/test-kit';
import amqp from 'amqplib';
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const root = join(import.meta.dirname, '..', '..');
const run = promisify(execFile);

describe('npm scripts', function () {
  this.timeout(120000);

  it('when a script of package.json names a file of the repository, then that file exists', async () => {
    const { scripts } = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    const named = Object.values(scripts).flatMap((command) =>
      [...command.matchAll(/(?:^|\s)((?:scripts|services|packages|site|test)\/[\w./-]+\.(?:ts|sh|js))(?=\s|$)/g)].map(
        (match) => match[1]!,
      ),
    );
    expect(named).to.include('scripts/dev/migrate.sh');
    const missing: string[] = [];
    for (const file of named) await access(join(root, file)).catch(() => missing.push(file));
    expect(missing).to.deep.equal([]);
  });

  describe('npm run migrate', () => {
    let db: TestDatabase;
    let vhost: TestVhost;

    before(async () => {
      [db, vhost] = await Promise.all([createTestDatabase(), createTestVhost()]);
    });
    after(async () => {
      await Promise.allSettled([db?.drop(), vhost?.remove()]);
    });

    it("when run against a database and a vhost, then every service's schema is migrated and its queues are declared", async () => {
      const env = {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        AMQP_URL: vhost.url,
        AVAILABILITY_DATABASE_URL: db.url,
        HOLD_MANAGER_DATABASE_URL: db.url,
        NOTIFICATION_DATABASE_URL: db.url,
        PIXELMEDICS_SYNC_DATABASE_URL: db.url,
        GATEWAY_DATABASE_URL: db.url,
      };

      const { stdout } = await run('npm', ['run', '--silent', 'migrate'], { cwd: root, env, timeout: 110000 });

      expect(stdout.trim().split('\n')).to.deep.equal(
        ['availability', 'hold-manager', 'notification', 'pixelmedics-sync', 'gateway'].map((s) => `[migrate] ${s}`),
      );
      const client = new pg.Client({ connectionString: db.url });
      await client.connect();
      try {
        const { rows } = await client.query<{ schema: string }>(
          `SELECT DISTINCT table_schema AS schema FROM information_schema.tables
            WHERE table_name = 'schema_migrations' ORDER BY 1`,
        );
        expect(rows.map((row) => row.schema)).to.deep.equal([
          'availability',
          'gateway',
          'hold_manager',
          'notification',
          'pixelmedics_sync',
        ]);
      } finally {
        await client.end();
      }
      const connection = await amqp.connect(vhost.url);
      try {
        const channel = await connection.createChannel();
        for (const queue of ['notification.events', 'pixelmedics-sync.events', 'hold-manager.events']) {
          expect((await channel.checkQueue(queue)).queue).to.equal(queue);
        }
      } finally {
        await connection.close();
      }
    });
  });
});
