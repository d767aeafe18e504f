import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type TestDatabase, type TestVhost, createTestDatabase, createTestVhost, waitFor } from '@otk/test-kit';
import { expect } from 'chai';
import { freePort } from '../support/free-port.js';
import { repositoryRoot, run, tool } from '../support/k8s-tools.js';

const buildah = (args: string[], timeoutMs = 120000) =>
  run('bash', [join(repositoryRoot, 'scripts/ci/buildah.sh'), ...args], { timeoutMs });

/** The processes below a process, from /proc (parent ids in /proc/<pid>/stat). */
function descendantsOf(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
    } catch {
      // the process ended while we looked
    }
  }
  const found: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    for (const child of children.get(queue.shift()!) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

describe('container images', function () {
  this.timeout(120000);

  it("when BuildKit's checks lint every Dockerfile, then none warns", async () => {
    const result = await run(tool('dockerfile-lint'), ['Dockerfile', 'site/Dockerfile']);
    expect(result.code, result.stdout + result.stderr).to.equal(0);
    expect(result.stdout).to.include('Dockerfile: no warnings').and.to.include('site/Dockerfile: no warnings');
  });

  it('when a Dockerfile breaks a rule, then the linter names it and fails', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'otk-lint-'));
    writeFileSync(join(dir, 'Dockerfile'), 'FROM debian:bookworm as base\nCMD node main.js\n');
    const result = await run(tool('dockerfile-lint'), [join(dir, 'Dockerfile')]);
    expect(result.code).to.equal(1);
    expect(result.stdout).to.include('FromAsCasing').and.to.include('JSONArgsRecommended');
  });

  describe('the service image, built without a daemon (buildah) from a local Node.js base', function () {
    const tag = `localhost/otk-services:test-${process.pid}`;
    let db: TestDatabase;
    let vhost: TestVhost;
    let config: {
      User?: string;
      Entrypoint?: string[];
      Cmd?: string[];
      Labels?: Record<string, string>;
      Healthcheck?: unknown;
      Env?: string[];
    };
    const containers: string[] = [];
    let serving: ChildProcess | undefined;

    before(async function () {
      this.timeout(40 * 60 * 1000);
      const base = await run('bash', [join(repositoryRoot, 'scripts/ci/node-base-image.sh')], {
        timeoutMs: 30 * 60 * 1000,
      });
      expect(base.code, base.stderr).to.equal(0);
      const build = await buildah(
        [
          'build',
          '--layers=false',
          '--build-arg',
          `NODE_IMAGE=${base.stdout.trim()}`,
          '--build-arg',
          'VERSION=0.0.0-test',
          '-t',
          tag,
          '-f',
          'Dockerfile',
          '.',
        ],
        30 * 60 * 1000,
      );
      expect(build.code, build.stdout.slice(-4000) + build.stderr.slice(-4000)).to.equal(0);
      const inspect = await buildah(['inspect', '--type', 'image', tag]);
      expect(inspect.code, inspect.stderr).to.equal(0);
      config = (JSON.parse(inspect.stdout) as { OCIv1: { config: typeof config } }).OCIv1.config;
      [db, vhost] = await Promise.all([createTestDatabase(), createTestVhost()]);
    });

    after(async function () {
      this.timeout(120000);
      if (serving && serving.exitCode === null && serving.signalCode === null) {
        serving.kill('SIGKILL');
        await once(serving, 'exit');
      }
      for (const container of containers) await buildah(['rm', container]);
      await buildah(['rmi', '--force', tag]);
      await Promise.allSettled([db?.drop(), vhost?.remove()]);
    });

    /** A working container of the image (buildah's equivalent of `docker create`). */
    async function container(): Promise<string> {
      const from = await buildah(['from', '--pull-never', tag]);
      expect(from.code, from.stderr).to.equal(0);
      const name = from.stdout.trim();
      containers.push(name);
      return name;
    }

    /** `buildah run` of the image's entrypoint with the given arguments, as Kubernetes runs `args`. */
    function runArgs(name: string, args: string[], env: Record<string, string>): string[] {
      return [
        'run',
        '--user',
        config.User!,
        ...Object.entries(env).flatMap(([key, value]) => ['--env', `${key}=${value}`]),
        name,
        '--',
        ...config.Entrypoint!,
        ...args,
      ];
    }

    it('when inspected, then it runs as a numeric non-root user under tini, with OCI labels and no HEALTHCHECK', () => {
      expect(config.User).to.equal('10001:10001');
      expect(config.Entrypoint).to.deep.equal(['/usr/bin/tini', '--', 'node']);
      expect(config.Cmd).to.deep.equal(['services/gateway/dist/main.js', 'serve']);
      expect(config.Healthcheck).to.equal(undefined);
      expect(config.Labels).to.include({
        'org.opencontainers.image.title': 'otk-services',
        'org.opencontainers.image.version': '0.0.0-test',
        'org.opencontainers.image.licenses': 'AGPL-3.0-only',
      });
      expect(config.Env).to.include('NODE_ENV=production');
    });

    it("when the gateway's migrate command runs in it, then it migrates the database and exits 0", async function () {
      this.timeout(300000);
      const name = await container();
      const result = await buildah(
        runArgs(name, ['services/gateway/dist/main.js', 'migrate'], { DATABASE_URL: db.url, AMQP_URL: vhost.url }),
        240000,
      );
      expect(result.code, result.stdout + result.stderr).to.equal(0);
      expect(result.stdout).to.include('migrations done');
    });

    it('when it serves, then /readyz answers 200 on 127.0.0.1 on the management port and not on the API port', async function () {
      this.timeout(300000);
      const name = await container();
      const [port, managementPort] = [await freePort(), await freePort()];
      serving = spawn(
        'bash',
        [
          join(repositoryRoot, 'scripts/ci/buildah.sh'),
          ...runArgs(name, ['services/gateway/dist/main.js', 'serve'], {
            DATABASE_URL: db.url,
            AMQP_URL: vhost.url,
            PORT: String(port),
            MANAGEMENT_PORT: String(managementPort),
          }),
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let output = '';
      serving.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      serving.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const ready = await waitFor(
        async () => {
          if (serving!.exitCode !== null) throw new Error(`the container exited with ${serving!.exitCode}: ${output}`);
          const response = await fetch(`http://127.0.0.1:${managementPort}/readyz`).catch(() => undefined);
          return response?.status === 200 ? response : undefined;
        },
        { timeoutMs: 120000, what: 'the gateway in the image to be ready' },
      );
      expect(await ready.json()).to.deep.include({ status: 'ready' });
      expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).to.equal(404);

      // SIGTERM to tini, as the kubelet sends it to PID 1 (buildah itself would kill the container
      // outright): tini passes it on, and the service stops cleanly.
      const tini = descendantsOf(serving.pid!).find(
        (pid) => readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'tini',
      );
      expect(tini, 'tini among the container processes').to.be.a('number');
      const exited = once(serving, 'exit');
      process.kill(tini!, 'SIGTERM');
      const [code] = (await exited) as [number | null];
      expect(code, output.slice(-2000)).to.equal(0);
      expect(output).to.include('"msg":"stopped"');
    });
  });
});
