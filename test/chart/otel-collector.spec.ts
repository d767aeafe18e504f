import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { type IncomingHttpHeaders, type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { waitFor } from '@otk/test-kit';
import { expect } from 'chai';
import { renderChart, run, tool } from '../support/k8s-tools.js';
import { stopProcess } from '../support/stack.js';

/** The collector's configuration as the chart renders it into the release's ConfigMap. */
async function renderedConfig(set: string[]): Promise<string> {
  const manifests = await renderChart('praxis', [], ['observability.collector.enabled=true', ...set]);
  const map = manifests.find((m) => m.kind === 'ConfigMap' && m.metadata.name === 'praxis-otel-collector');
  const config = (map as { data?: Record<string, string> } | undefined)?.data?.['config.yaml'];
  if (!config) throw new Error('the chart rendered no collector configuration');
  return config;
}

const apiKeyHeader = [
  'observability.collector.authHeader.name=x-api-key',
  'observability.collector.authHeader.existingSecret=otk-tracing',
  'observability.collector.authHeader.key=api-key',
];

/** What a tracing backend received: each request's path, headers and (decompressed) body. */
interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** An OTLP/HTTP backend of the test's, standing in for the operator's: it keeps every request. */
async function startBackend(): Promise<{ url: string; received: Received[]; stop(): Promise<void> }> {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const body = req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
      received.push({ path: req.url ?? '', headers: req.headers, body });
      res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * The chart's collector configuration, checked by a real collector built of the same components
 * and release as the collector image the chart runs (scripts/ci/go/otelcol): its `validate`
 * command for each way of exporting, and one span carried from a service's side to the backend.
 */
describe("the chart's OpenTelemetry collector configuration (observability.collector)", function () {
  this.timeout(120000);
  const dir = mkdtempSync(join(tmpdir(), 'otk-otelcol-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  const validate = async (config: string) => {
    const file = join(dir, `config-${randomBytes(4).toString('hex')}.yaml`);
    writeFileSync(file, config);
    return run(tool('otelcol'), ['validate', `--config=${file}`], {
      env: { POD_IP: '10.0.0.7', OTLP_AUTH_HEADER: 'an-api-key' },
    });
  };

  for (const [name, set] of [
    [
      'OTLP/HTTP with an API key header',
      ['observability.collector.endpoint=https://otlp.example.org:4318', ...apiKeyHeader],
    ],
    [
      'OTLP/gRPC without TLS',
      [
        'observability.collector.protocol=otlp_grpc',
        'observability.collector.insecure=true',
        'observability.collector.endpoint=tempo.tracing:4317',
      ],
    ],
  ] as const) {
    it(`when the collector validates what the chart renders for ${name}, then it accepts it`, async () => {
      const result = await validate(await renderedConfig([...set]));
      expect(result.code, result.stdout + result.stderr).to.equal(0);
    });
  }

  it('when a key of the configuration is misspelt, then the collector refuses it, naming the key (the check can fail)', async () => {
    const config = await renderedConfig(['observability.collector.endpoint=https://otlp.example.org:4318']);
    expect(config).to.include('send_batch_size:');
    const result = await validate(config.replace('send_batch_size:', 'send_batch_sise:'));
    expect(result.code).to.not.equal(0);
    expect(result.stdout + result.stderr).to.include('send_batch_sise');
  });

  it("when a service's span reaches the collector, then the collector batches it and exports it to the backend with the API key header", async () => {
    const backend = await startBackend();
    // A loopback address of its own, so the collector's fixed ports (4318, 13133) collide with nothing.
    const podIp = `127.${randomInt(1, 255)}.${randomInt(1, 255)}.${randomInt(2, 255)}`;
    const file = join(dir, 'running.yaml');
    writeFileSync(
      file,
      await renderedConfig([
        `observability.collector.endpoint=${backend.url}`,
        'observability.collector.batch.timeout=1s',
        ...apiKeyHeader,
      ]),
    );
    const apiKey = randomBytes(12).toString('hex');
    const collector: ChildProcess = spawn(tool('otelcol'), [`--config=${file}`], {
      env: { PATH: process.env.PATH ?? '', POD_IP: podIp, OTLP_AUTH_HEADER: apiKey },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    collector.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-5000)));
    try {
      await waitFor(
        async () => {
          if (collector.exitCode !== null) throw new Error(`the collector exited: ${stderr}`);
          return (await fetch(`http://${podIp}:13133/`)).status === 200 ? true : undefined;
        },
        { timeoutMs: 30000, intervalMs: 200, what: "the collector's health check to answer" },
      );
      const traceId = randomBytes(16).toString('hex');
      const now = BigInt(Date.now()) * 1_000_000n;
      const sent = await fetch(`http://${podIp}:4318/v1/traces`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          resourceSpans: [
            {
              resource: { attributes: [{ key: 'service.name', value: { stringValue: 'hold-manager' } }] },
              scopeSpans: [
                {
                  spans: [
                    {
                      traceId,
                      spanId: randomBytes(8).toString('hex'),
                      name: 'publish booking.held',
                      kind: 4,
                      startTimeUnixNano: String(now),
                      endTimeUnixNano: String(now + 2_000_000n),
                    },
                  ],
                },
              ],
            },
          ],
        }),
      });
      expect(sent.status, await sent.text()).to.equal(200);

      const exported = await waitFor(() => backend.received.find((r) => r.body.includes(Buffer.from(traceId, 'hex'))), {
        timeoutMs: 15000,
        intervalMs: 100,
        what: 'the span to reach the backend',
      });
      expect(exported.path).to.equal('/v1/traces');
      expect(exported.headers['content-type']).to.equal('application/x-protobuf');
      expect(exported.headers['x-api-key']).to.equal(apiKey);
      expect(exported.body.includes(Buffer.from('publish booking.held'))).to.equal(true);
      expect(exported.body.includes(Buffer.from('hold-manager'))).to.equal(true);
    } finally {
      await stopProcess(collector);
      await backend.stop();
    }
  });
});
