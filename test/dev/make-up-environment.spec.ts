import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import {
  type TestDatabase,
  type TestSmtpServer,
  type TestVhost,
  createTestDatabase,
  createTestVhost,
  startTestSmtpServer,
} from '@otk/test-kit';
import { expect } from 'chai';
import {
  type ServiceProcess,
  runServiceCommand,
  serviceNames,
  startServiceProcess,
  stopProcess,
} from '../support/stack.js';
import { repositoryRoot } from '../support/k8s-tools.js';

/** The environment `make up` gives a service: `service_env` of scripts/dev/services.sh, which up.sh uses. */
function makeUpEnvironment(service: string): Record<string, string> {
  const output = execFileSync('bash', ['-c', 'source scripts/dev/services.sh && service_env "$1"', '-', service], {
    cwd: repositoryRoot,
    env: { PATH: process.env.PATH ?? '' },
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
  });
  return Object.fromEntries(
    output
      .split('\n')
      .filter(Boolean)
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
}

/** An address of /proc/net/tcp or tcp6 (hex, in the kernel's byte order) as text. */
function addressOf(hex: string): string {
  const [ip, port] = hex.split(':') as [string, string];
  const words = ip.match(/.{8}/g)!.map((word) => word.match(/../g)!.reverse().join(''));
  const text =
    ip.length === 8
      ? words[0]!
          .match(/../g)!
          .map((byte) => parseInt(byte, 16))
          .join('.')
      : `[${words.join('').match(/.{4}/g)!.join(':')}]`;
  return `${text}:${parseInt(port, 16)}`;
}

/** Every address a process listens on over TCP: its socket inodes matched against /proc/net/tcp{,6}. */
function listeningAddresses(pid: number): string[] {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const link = readlinkSync(`/proc/${pid}/fd/${fd}`);
      const inode = /^socket:\[(\d+)\]$/.exec(link)?.[1];
      if (inode) inodes.add(inode);
    } catch {
      // closed meanwhile
    }
  }
  const addresses: string[] = [];
  for (const table of ['tcp', 'tcp6']) {
    for (const line of readFileSync(`/proc/${pid}/net/${table}`, 'utf8').split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      // local_address is the second field, st (0A = LISTEN) the fourth, inode the tenth.
      if (fields[3] === '0A' && inodes.has(fields[9]!)) addresses.push(addressOf(fields[1]!));
    }
  }
  return addresses.sort();
}

describe('make up: the environment of the local stack', function () {
  this.timeout(180_000);
  let db: TestDatabase;
  let vhost: TestVhost;
  let smtp: TestSmtpServer;
  const started: ServiceProcess[] = [];

  before(async () => {
    [db, vhost, smtp] = await Promise.all([createTestDatabase(), createTestVhost(), startTestSmtpServer()]);
  });

  after(async () => {
    await Promise.all(started.map((service) => stopProcess(service.child)));
    await Promise.allSettled([db?.drop(), vhost?.remove(), smtp?.stop()]);
  });

  it('when every service runs with the environment make up gives it, then its public and management ports listen on loopback only', async () => {
    // The test's own database, broker vhost, mail server and free ports; every other variable
    // exactly as up.sh sets it.
    const environmentOf = (service: string) => ({
      ...makeUpEnvironment(service),
      DATABASE_URL: db.url,
      AMQP_URL: vhost.url,
      SMTP_URL: smtp.url,
      PORT: '0',
      MANAGEMENT_PORT: '0',
    });
    for (const name of serviceNames) {
      const result = await runServiceCommand(name, environmentOf(name), ['migrate']);
      expect(result.code, `${name} migrate: ${result.stderr}`).to.equal(0);
    }
    const services = await Promise.all(
      serviceNames.map((name) => startServiceProcess(name, environmentOf(name), started)),
    );

    for (const service of services) {
      const listening = listeningAddresses(service.child.pid!);
      expect(listening, service.name).to.have.members([
        `127.0.0.1:${service.port}`,
        `127.0.0.1:${new URL(service.managementUrl).port}`,
      ]);
      expect((await fetch(`${service.managementUrl}/readyz`)).status, service.name).to.equal(200);
    }
  });
});
