import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { waitFor } from '@otk/test-kit';
import { expect } from 'chai';
import { freePort } from '../support/free-port.js';
import { chartDir, chartExamples, parseManifests, renderChart, run, tool } from '../support/k8s-tools.js';

/** The Secrets each example's values name, as an operator creates them before `helm install`. */
const secretsOf: Record<string, Record<string, Record<string, string>>> = {
  'praxis-muster': {
    'otk-database': Object.fromEntries(
      ['availability', 'hold-manager', 'notification', 'pixelmedics-sync', 'gateway'].map((s) => [
        s,
        `postgres://otk_${s.replace('-', '_')}:secret@pg.example:5432/praxis_muster`,
      ]),
    ),
    'otk-rabbitmq': { AMQP_URL: 'amqp://praxis-muster:secret@rabbitmq.example:5672/praxis-muster' },
    'otk-smtp': { SMTP_URL: 'smtp://praxis-muster:secret@smtp.example:587' },
  },
  'cabinet-dupont': {
    'cabinet-dupont-database': Object.fromEntries(
      ['availability', 'hold-manager', 'notification', 'pixelmedics-sync', 'gateway'].map((s) => [
        s,
        `postgres://otk_${s.replace('-', '_')}:secret@10.20.0.5:5432/cabinet_dupont`,
      ]),
    ),
    'cabinet-dupont-rabbitmq': { AMQP_URL: 'amqp://cabinet-dupont:secret@rabbitmq.example:5672/cabinet-dupont' },
    'cabinet-dupont-smtp': { SMTP_URL: 'smtps://cabinet-dupont:secret@smtp.example:465' },
    'cabinet-dupont-sms': { SMS_API_KEY: 'twilio-auth-token' },
    'cabinet-dupont-practice-system': { PRACTICE_SYSTEM_API_KEY: 'connector-api-key-0123456789' },
    'cabinet-dupont-tracing': { 'api-key': 'tracing-api-key' },
    'cabinet-dupont-postgres-exporter': {
      DATA_SOURCE_NAME: 'postgres://otk_monitor:secret@10.20.0.5:5432/cabinet_dupont?sslmode=require',
    },
  },
};

describe('helm install of both example practices into a real kube-apiserver (with etcd)', function () {
  this.timeout(300000);
  const work = mkdtempSync(join(tmpdir(), 'otk-apiserver-'));
  const kubeconfig = join(work, 'kubeconfig');
  const processes: ChildProcess[] = [];
  let logs = '';
  const env = {
    KUBECONFIG: kubeconfig,
    HELM_CACHE_HOME: join(work, 'helm/cache'),
    HELM_CONFIG_HOME: join(work, 'helm/config'),
    HELM_DATA_HOME: join(work, 'helm/data'),
  };
  const kubectl = (args: string[], input?: string) => run(tool('kubectl'), args, { env, input });
  const helm = (args: string[]) => run(tool('helm'), args, { env, timeoutMs: 180000 });

  before(async function () {
    this.timeout(120000);
    const [etcdClient, etcdPeer, apiPort] = [await freePort(), await freePort(), await freePort()];
    const etcd = spawn(
      'etcd',
      [
        '--data-dir',
        join(work, 'etcd'),
        '--listen-client-urls',
        `http://127.0.0.1:${etcdClient}`,
        '--advertise-client-urls',
        `http://127.0.0.1:${etcdClient}`,
        '--listen-peer-urls',
        `http://127.0.0.1:${etcdPeer}`,
        '--initial-advertise-peer-urls',
        `http://127.0.0.1:${etcdPeer}`,
        '--initial-cluster',
        `default=http://127.0.0.1:${etcdPeer}`,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    processes.push(etcd);
    etcd.stderr?.on('data', (chunk: Buffer) => (logs += chunk.toString()));

    const token = randomBytes(16).toString('hex');
    writeFileSync(join(work, 'tokens.csv'), `${token},admin,admin,system:masters\n`);
    const saKey = await run('openssl', ['genrsa', '-out', join(work, 'sa.key'), '2048']);
    expect(saKey.code, saKey.stderr).to.equal(0);
    const apiserver = spawn(
      tool('kube-apiserver'),
      [
        `--etcd-servers=http://127.0.0.1:${etcdClient}`,
        '--bind-address=127.0.0.1',
        `--secure-port=${apiPort}`,
        `--cert-dir=${join(work, 'certs')}`,
        `--token-auth-file=${join(work, 'tokens.csv')}`,
        '--authorization-mode=RBAC',
        '--service-cluster-ip-range=10.96.0.0/16',
        `--service-account-key-file=${join(work, 'sa.key')}`,
        `--service-account-signing-key-file=${join(work, 'sa.key')}`,
        '--service-account-issuer=https://kubernetes.default.svc',
        '--api-audiences=https://kubernetes.default.svc',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    processes.push(apiserver);
    apiserver.stderr?.on('data', (chunk: Buffer) => (logs = (logs + chunk.toString()).slice(-20000)));
    writeFileSync(
      kubeconfig,
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [
          { name: 'test', cluster: { server: `https://127.0.0.1:${apiPort}`, 'insecure-skip-tls-verify': true } },
        ],
        users: [{ name: 'admin', user: { token } }],
        contexts: [{ name: 'test', context: { cluster: 'test', user: 'admin' } }],
        'current-context': 'test',
      }),
    );
    await waitFor(
      async () => {
        for (const child of processes) if (child.exitCode !== null) throw new Error(`exited: ${logs.slice(-3000)}`);
        const result = await kubectl(['get', '--raw', '/readyz']);
        return result.code === 0 && result.stdout.trim() === 'ok' ? true : undefined;
      },
      { timeoutMs: 90000, what: 'kube-apiserver to be ready' },
    );
  });

  after(async () => {
    for (const child of processes.reverse()) {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = once(child, 'exit');
        child.kill('SIGTERM');
        await exited;
      }
    }
    rmSync(work, { recursive: true, force: true });
  });

  for (const example of chartExamples) {
    const release = basename(example, '.yaml');

    it(`when ${release} is installed into its own namespace that enforces the restricted Pod Security Standard, then the API server admits every object`, async () => {
      const namespace = {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: {
          name: release,
          labels: {
            'pod-security.kubernetes.io/enforce': 'restricted',
            'pod-security.kubernetes.io/enforce-version': 'v1.34',
          },
        },
      };
      const secrets = Object.entries(secretsOf[release]!).map(([name, stringData]) => ({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name, namespace: release },
        type: 'Opaque',
        stringData,
      }));
      const created = await kubectl(
        ['create', '-f', '-'],
        JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [namespace, ...secrets] }),
      );
      expect(created.code, created.stderr).to.equal(0);

      // No controllers run here, so the hook Jobs would never finish: install without running the
      // hooks, then create the release's hooks (migration Jobs, their account and policy, the helm
      // test pods) as they are, so that the API server admits them too.
      const installed = await helm(['install', release, chartDir, '--namespace', release, '-f', example, '--no-hooks']);
      expect(installed.code, installed.stderr).to.equal(0);
      const hooks = await helm(['get', 'hooks', release, '--namespace', release]);
      expect(hooks.code, hooks.stderr).to.equal(0);
      const hookManifests = parseManifests(hooks.stdout);
      expect(hookManifests.map((m) => m.kind).sort()).to.include.members([
        'Job',
        'NetworkPolicy',
        'Pod',
        'ServiceAccount',
      ]);
      const createdHooks = await kubectl(['create', '--namespace', release, '-f', '-'], hooks.stdout);
      expect(createdHooks.code, createdHooks.stderr).to.equal(0);

      const rendered = await renderChart(release, [example]);
      for (const manifest of rendered) {
        const got = await kubectl(['get', manifest.kind, manifest.metadata.name, '--namespace', release, '-o', 'name']);
        expect(got.code, `${manifest.kind} ${manifest.metadata.name}: ${got.stderr}`).to.equal(0);
      }
      const status = await helm(['status', release, '--namespace', release, '-o', 'json']);
      expect(JSON.parse(status.stdout).info.status).to.equal('deployed');
    });
  }

  it('when both practices are installed, then each has its own objects in its own namespace', async () => {
    for (const example of chartExamples) {
      const release = basename(example, '.yaml');
      const names = await kubectl([
        'get',
        'deployments',
        '--namespace',
        release,
        '-o',
        'jsonpath={.items[*].metadata.name}',
      ]);
      // Cabinet Dupont runs the chart's OpenTelemetry collector and postgres_exporter as well.
      const observability = release === 'cabinet-dupont' ? ['otel-collector', 'postgres-exporter'] : [];
      expect(names.stdout.split(' ').sort()).to.deep.equal(
        ['availability', 'gateway', 'hold-manager', 'notification', 'pixelmedics-sync', 'site', ...observability]
          .map((s) => `${release}-${s}`)
          .sort(),
      );
    }
  });

  it('when a pod would run as root, then the namespace refuses it (the admission check is real)', async () => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'as-root', namespace: 'praxis-muster' },
      spec: {
        serviceAccountName: 'praxis-muster',
        automountServiceAccountToken: false,
        containers: [{ name: 'c', image: 'busybox', securityContext: { runAsUser: 0 } }],
      },
    };
    const result = await kubectl(['create', '-f', '-'], JSON.stringify(pod));
    expect(result.code).to.not.equal(0);
    expect(result.stderr, result.stderr).to.include('violates PodSecurity "restricted');
  });
});
