import { type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createPool } from '@otk/db';
import {
  type TestDatabase,
  type TestSmtpServer,
  type TestVhost,
  createTestDatabase,
  createTestVhost,
  startTestSmtpServer,
  waitFor,
} from '@otk/test-kit';
import { expect } from 'chai';
import { freePort } from '../support/free-port.js';
import { seedDemoPractice } from '../../services/availability/scripts/demo-practice.seed.js';
import { aHoldRequest, offeredSlots, postJson } from '../support/factories.js';
import { type Manifest, chartExamples, renderChart, repositoryRoot } from '../support/k8s-tools.js';
import { type ReceivedSpan, startOtlpReceiver } from '../support/otlp-receiver.js';
import { type ServiceName, runServiceCommand, serviceNames, spawnService, stopProcess } from '../support/stack.js';

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string } };
}
interface Container {
  args: string[];
  env: EnvVar[];
  ports?: { name: string; containerPort: number }[];
  readinessProbe?: { httpGet: { path: string; port: string } };
  livenessProbe?: { httpGet: { path: string; port: string } };
}
const containerOf = (m: Manifest) =>
  (m.spec as { template: { spec: { containers: Container[] } } }).template.spec.containers[0]!;

/**
 * The container's environment as the kubelet makes it: literal values, Secret keys, and $(VAR)
 * references to variables defined before. A Secret or key the chart names that the operator's
 * Secrets (here the test's) lack fails, as the pod would not start.
 */
function environmentOf(container: Container, secrets: Record<string, Record<string, string>>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const variable of container.env) {
    if (variable.valueFrom?.secretKeyRef) {
      const { name, key } = variable.valueFrom.secretKeyRef;
      const value = secrets[name]?.[key];
      if (value === undefined) throw new Error(`${variable.name}: Secret ${name} has no key ${key}`);
      env[variable.name] = value;
    } else {
      env[variable.name] = (variable.value ?? '').replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (whole, name: string) =>
        name in env ? env[name]! : whole,
      );
    }
  }
  return env;
}

/** The service whose compiled entry point a container runs: services/<name>/dist/main.js <command>. */
function commandOf(container: Container): { service: ServiceName; command: string } {
  const [entry, command] = container.args;
  const match = /^services\/([a-z-]+)\/dist\/main\.js$/.exec(entry ?? '');
  expect(match, `container args ${JSON.stringify(container.args)}`).to.not.equal(null);
  const service = match![1] as ServiceName;
  expect(serviceNames).to.include(service);
  // The image runs the build of src/main.ts; here the same module runs from its source.
  const pkg = JSON.parse(readFileSync(`${repositoryRoot}services/${service}/package.json`, 'utf8')) as { main: string };
  expect(pkg.main).to.equal('dist/main.js');
  expect(existsSync(`${repositoryRoot}services/${service}/src/main.ts`)).to.equal(true);
  expect(command).to.be.oneOf(['serve', 'migrate']);
  return { service, command: command! };
}

describe("the chart's wiring runs: each rendered Deployment's command and environment as local processes", function () {
  this.timeout(300000);
  let db: TestDatabase;
  let vhost: TestVhost;
  let smtp: TestSmtpServer;
  let otlp: { endpoint: string; spans: ReceivedSpan[]; stop(): Promise<void> };
  const running: { name: string; child: ChildProcess }[] = [];
  let manifests: Manifest[];
  let gatewayUrl = '';

  before(async () => {
    [db, vhost, smtp, otlp] = await Promise.all([
      createTestDatabase(),
      createTestVhost(),
      startTestSmtpServer(),
      startOtlpReceiver(),
    ]);
    manifests = await renderChart('praxis', [chartExamples[0]!], [`observability.otlpEndpoint=${otlp.endpoint}`]);
  });

  after(async () => {
    await Promise.all(running.map(({ child }) => stopProcess(child)));
    await Promise.allSettled([db?.drop(), vhost?.remove(), smtp?.stop(), otlp?.stop()]);
  });

  /** The Secrets an operator makes for praxis-muster.yaml, pointing at this test's database, vhost and SMTP server. */
  const secrets = () => ({
    'otk-database': Object.fromEntries(
      ['availability', 'hold-manager', 'notification', 'pixelmedics-sync', 'gateway'].map((key) => [key, db.url]),
    ),
    'otk-rabbitmq': { AMQP_URL: vhost.url },
    'otk-smtp': { SMTP_URL: smtp.url },
  });

  it('when the migration Jobs run in hook order, then every service migrates', async () => {
    const jobs = manifests
      .filter((m) => m.kind === 'Job')
      .sort(
        (a, b) =>
          Number(a.metadata.annotations?.['helm.sh/hook-weight'] ?? 0) -
          Number(b.metadata.annotations?.['helm.sh/hook-weight'] ?? 0),
      );
    expect(jobs).to.have.length(5);
    for (const job of jobs) {
      const container = containerOf(job);
      const { service, command } = commandOf(container);
      expect(command).to.equal('migrate');
      const result = await runServiceCommand(service, environmentOf(container, secrets()), [command]);
      expect(result.code, `${job.metadata.name}: ${result.stderr}`).to.equal(0);
    }
  });

  it('when each service Deployment runs with its rendered environment, then its readiness probe answers 200', async () => {
    const deployments = manifests.filter((m) => m.kind === 'Deployment' && containerOf(m).args?.[1] === 'serve');
    expect(deployments.map((d) => d.metadata.name).sort()).to.deep.equal(
      [...serviceNames].sort().map((name) => `praxis-${name}`),
    );
    const services = manifests.filter((m) => m.kind === 'Service');
    for (const deployment of deployments) {
      const container = containerOf(deployment);
      const { service } = commandOf(container);
      const env = environmentOf(container, secrets());
      const ports = Object.fromEntries((container.ports ?? []).map((p) => [p.name, p.containerPort]));
      // The variables name the ports the pod declares, so probes and Services reach the listeners.
      expect(Number(env.MANAGEMENT_PORT), `${service} MANAGEMENT_PORT`).to.equal(ports.management);
      if (ports.http) expect(Number(env.PORT), `${service} PORT`).to.equal(ports.http);
      const serviceObject = services.find((s) => s.metadata.name === deployment.metadata.name)!;
      for (const port of (serviceObject.spec as { ports: { targetPort: string }[] }).ports) {
        expect(ports, `${serviceObject.metadata.name} targetPort ${port.targetPort}`).to.have.property(port.targetPort);
      }
      expect(container.readinessProbe?.httpGet.port).to.equal('management');

      // As a container runtime maps ports: each declared port to a free one on the loopback.
      const mapped: Record<string, number> = {};
      for (const name of Object.keys(ports)) mapped[name] = await freePort();
      const child = spawnService(service, {
        ...env,
        PORT: String(mapped.http ?? (await freePort())),
        MANAGEMENT_PORT: String(mapped.management),
        HOST: '127.0.0.1',
        MANAGEMENT_HOST: '127.0.0.1',
      });
      let stderr = '';
      child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      running.push({ name: service, child });
      const probe = container.readinessProbe!.httpGet;
      await waitFor(
        async () => {
          if (child.exitCode !== null) throw new Error(`${service} exited with ${child.exitCode}: ${stderr}`);
          const response = await fetch(`http://127.0.0.1:${mapped[probe.port]}${probe.path}`).catch(() => undefined);
          return response?.status === 200 ? true : undefined;
        },
        { timeoutMs: 90000, what: `${service} to answer its readiness probe` },
      );
      const liveness = container.livenessProbe!.httpGet;
      expect((await fetch(`http://127.0.0.1:${mapped[liveness.port]}${liveness.path}`)).status).to.equal(200);
      if (service === 'gateway') {
        gatewayUrl = `http://127.0.0.1:${mapped.http}`;
        // What the Ingress routes to (the http port) has no health or metrics.
        expect((await fetch(`${gatewayUrl}/metrics`)).status).to.equal(404);
      }
    }
  });

  it('when a patient books through the gateway, then the hold is confirmed by the e-mailed link and traces reach the collector', async () => {
    const pool = createPool({ connectionString: db.url, applicationName: 'test' });
    try {
      await seedDemoPractice(pool);
      await pool.query('UPDATE hold_manager.settings SET max_open_holds_per_client = 100000');
    } finally {
      await pool.end();
    }
    await waitFor(
      async () => {
        const response = await fetch(`${gatewayUrl}/api/v1/catalogue`);
        const body = (await response.json()) as { appointmentTypes?: unknown[] };
        return response.status === 200 && (body.appointmentTypes?.length ?? 0) > 0 ? true : undefined;
      },
      { timeoutMs: 30000, what: 'availability to serve the demo catalogue' },
    );
    const [slot] = await offeredSlots(gatewayUrl, { appointmentType: 'checkup', practitioner: 'dr-muster' });
    const request = aHoldRequest(slot!);
    const held = await postJson(`${gatewayUrl}/api/v1/holds`, request);
    expect(held.status, JSON.stringify(held.body)).to.equal(201);

    const mailTo = (subject: RegExp) =>
      smtp.messages.find((m) => JSON.stringify(m.to).includes(request.patient.email) && subject.test(m.subject ?? ''));
    const provisional = await waitFor(() => mailTo(/Terminanfrage/), { what: 'the provisional-request e-mail' });
    const token = /\/confirm\?token=([\w-]{22,})/.exec(provisional.text ?? '')?.[1];
    expect(token, provisional.text).to.be.a('string');
    const confirmed = await postJson(`${gatewayUrl}/api/v1/bookings/confirm`, { token });
    expect(confirmed.status, JSON.stringify(confirmed.body)).to.equal(200);
    expect(confirmed.body.status).to.equal('confirmed');

    const traced = await waitFor(
      () => {
        const services = new Set(otlp.spans.map((s) => s.service));
        return ['gateway', 'hold-manager', 'notification'].every((s) => services.has(s)) ? services : undefined;
      },
      { what: 'spans of the services at the OTLP endpoint the chart set' },
    );
    expect([...traced]).to.include.members(['gateway', 'hold-manager']);
  });
});
