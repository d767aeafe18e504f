import { type TestDatabase, type TestVhost, createTestDatabase, createTestVhost } from '@otk/test-kit';
import { expect } from 'chai';
import { runServiceCommand, serviceNames } from '../support/stack.js';

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
});
