import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { expect } from 'chai';
import { stringify } from 'yaml';
import {
  chartDir,
  chartExamples,
  kubeconformArgs,
  parseManifests,
  renderChart,
  run,
  tool,
} from '../support/k8s-tools.js';

/** Custom resources: no schema offline; their templates are covered by the chart's unit tests. */
const customKinds = [
  'ServiceMonitor',
  'PodMonitor',
  'PrometheusRule',
  'ScaledObject',
  'TriggerAuthentication',
  'HTTPRoute',
  'Cluster',
  'RabbitmqCluster',
];

describe('Helm chart charts/otk', function () {
  this.timeout(180000);

  for (const [helm, label] of [
    ['helm', 'Helm 3'],
    ['helm4', 'Helm 4'],
  ] as const) {
    for (const values of [undefined, ...chartExamples]) {
      const name = values ? basename(values) : 'the default values';
      it(`when ${label} lints it strictly with ${name}, then it passes`, async () => {
        const result = await run(tool(helm), ['lint', '--strict', chartDir, ...(values ? ['-f', values] : [])]);
        expect(result.code, result.stdout + result.stderr).to.equal(0);
        expect(result.stdout).to.include('0 chart(s) failed');
      });
    }
  }

  it('when its unit tests run (helm-unittest), then every rule holds', async () => {
    const result = await run(tool('helm-unittest'), ['--color=false', chartDir]);
    expect(result.code, result.stdout + result.stderr).to.equal(0);
    const tests = /Tests:\s+(\d+) passed, (\d+) total/.exec(result.stdout);
    expect(tests, result.stdout).to.not.equal(null);
    expect(Number(tests![1])).to.be.greaterThan(30).and.to.equal(Number(tests![2]));
  });

  for (const values of [undefined, ...chartExamples]) {
    const name = values ? basename(values) : 'the default values';
    it(`when rendered with ${name}, then kubeconform finds every object valid for Kubernetes 1.34 in strict mode`, async () => {
      const manifests = await renderChart('praxis', values ? [values] : []);
      const result = await run(tool('kubeconform'), [...kubeconformArgs(), '-skip', customKinds.join(',')], {
        input: manifests.map((m) => `---\n${stringify(m)}`).join(''),
      });
      expect(result.code, result.stdout + result.stderr).to.equal(0);
      const summary = JSON.parse(result.stdout).summary as Record<string, number>;
      const custom = manifests.filter((m) => customKinds.includes(m.kind)).length;
      expect(summary).to.deep.equal({ valid: manifests.length - custom, invalid: 0, errors: 0, skipped: custom });
    });
  }

  it('when a field is misspelt, then kubeconform rejects it (the schemas are strict)', async () => {
    const manifests = await renderChart('praxis');
    const text = manifests
      .map((m) => `---\n${stringify(m)}`)
      .join('')
      .replace(/readOnlyRootFilesystem/g, 'readOnlyRootFileSystem');
    const result = await run(tool('kubeconform'), [...kubeconformArgs(), '-skip', customKinds.join(',')], {
      input: text,
    });
    expect(result.code).to.not.equal(0);
    expect(result.stdout).to.include("additional properties 'readOnlyRootFileSystem' not allowed");
  });

  it('when a value the schema does not know is set, then rendering fails naming it', async () => {
    const result = await run(tool('helm'), ['template', 'praxis', chartDir, '--set', 'gateway.replica=2']);
    expect(result.code).to.not.equal(0);
    expect(result.stderr).to.match(/additional properties 'replica' not allowed/);
  });

  it('when rendered, then every workload container has probes on the management port and the ingress never routes it', async () => {
    const manifests = await renderChart('praxis', [chartExamples[0]!]);
    const deployments = manifests.filter((m) => m.kind === 'Deployment');
    expect(deployments.map((d) => d.metadata.name).sort()).to.deep.equal(
      ['availability', 'gateway', 'hold-manager', 'notification', 'pixelmedics-sync', 'site'].map((s) => `praxis-${s}`),
    );
    for (const deployment of deployments) {
      const container = (deployment.spec as { template: { spec: { containers: ContainerSpec[] } } }).template.spec
        .containers[0]!;
      for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe'] as const) {
        expect(container[probe]?.httpGet.port, `${deployment.metadata.name} ${probe}`).to.equal('management');
      }
    }
    const ingress = manifests.find((m) => m.kind === 'Ingress')!;
    const text = JSON.stringify(ingress.spec);
    expect(text).to.not.match(/management|metrics|healthz|readyz|9090/);
  });

  it('when the PrometheusRule is enabled, then it carries the rule file of the chart', async () => {
    const file = readFileSync(`${chartDir}/files/prometheus-rules.yaml`, 'utf8');
    const [rules] = parseManifests(file) as unknown as { groups: unknown[] }[];
    const manifests = await renderChart('praxis', [], ['observability.prometheusRule.enabled=true']);
    const rule = manifests.find((m) => m.kind === 'PrometheusRule')!;
    expect(rule.spec).to.deep.equal({ groups: rules!.groups });
  });
});

interface ContainerSpec {
  livenessProbe?: { httpGet: { port: string; path: string } };
  readinessProbe?: { httpGet: { port: string; path: string } };
  startupProbe?: { httpGet: { port: string; path: string } };
}
