import { type TestDatabase, type TestVhost, createTestDatabase, createTestVhost, waitFor } from '@otk/test-kit';
import { expect } from 'chai';
import { createInterface } from 'node:readline';
import { runServiceCommand, serviceNames, spawnService, stopProcess } from '../support/stack.js';

describe('service start-up checks', function () {
  this.timeout(60000);
  let db: TestDatabase;
  let vhost: TestVhost;

  before(async () => {
    [db, vhost] = await Promise.all([createTestDatabase(), createTestVhost()]);
  });

  after(async () => {
    await Promise.allSettled([db?.drop(), vhost?.remove()]);
  });

  for (const name of serviceNames) {
    it(`when ${name} starts without DATABASE_URL, then it exits non-zero naming the variable`, async () => {
      const result = await runServiceCommand(name, { AMQP_URL: vhost.url, SMTP_URL: 'smtp://127.0.0.1:2525' });
      expect(result.code).to.not.equal(0);
      expect(result.stderr).to.include('DATABASE_URL');
    });
  }

  it('when notification starts without SMTP_URL, then it exits non-zero naming the variable', async () => {
    const result = await runServiceCommand('notification', { DATABASE_URL: db.url, AMQP_URL: vhost.url });
    expect(result.code).to.not.equal(0);
    expect(result.stderr).to.include('SMTP_URL');
  });

  it('when the schema is older than the code, then the service refuses to start and names the missing migration', async () => {
    const result = await runServiceCommand('hold-manager', { DATABASE_URL: db.url, AMQP_URL: vhost.url, PORT: '0' });
    expect(result.code).to.not.equal(0);
    expect(result.stderr).to.include('0001_bookings');
  });

  it('when a running service gets SIGTERM, then it stops cleanly with exit code 0', async () => {
    const env = { DATABASE_URL: db.url, AMQP_URL: vhost.url, PORT: '0' };
    expect((await runServiceCommand('hold-manager', env, ['migrate'])).code).to.equal(0);
    const child = spawnService('hold-manager', env);
    const messages: string[] = [];
    createInterface({ input: child.stdout! }).on('line', (line) => messages.push(String(JSON.parse(line).msg)));
    await waitFor(() => (messages.includes('hold-manager started') ? true : undefined), { what: 'start-up' });

    expect(await stopProcess(child)).to.equal(0);
    expect(messages).to.include.members(['shutting down', 'stopped']);
  });
});
