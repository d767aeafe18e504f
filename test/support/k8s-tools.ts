import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

export const repositoryRoot = fileURLToPath(new URL('../..', import.meta.url));
export const chartDir = join(repositoryRoot, 'charts/otk');
export const chartExamples = ['praxis-muster', 'cabinet-dupont'].map((name) =>
  join(chartDir, 'examples', `${name}.yaml`),
);

/**
 * Where scripts/ci/install-k8s-tools.sh and install-observability-tools.sh put the tools
 * (OTK_TOOLS_CACHE, default ~/.cache/otk/tools).
 */
export const toolsCache =
  process.env.OTK_TOOLS_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'otk/tools');

/** The path of a tool the install script provides; a missing tool fails the test that needs it. */
export function tool(name: string): string {
  const path = join(toolsCache, 'bin', name);
  try {
    accessSync(path, constants.X_OK);
  } catch {
    throw new Error(
      `${path} is missing: run bash scripts/ci/install-k8s-tools.sh and install-observability-tools.sh (.ci/run does)`,
    );
  }
  return path;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a program to its end; never throws on a non-zero exit, so a test can look at the output. */
export function run(
  program: string,
  args: string[],
  options: { input?: string; env?: Record<string, string>; cwd?: string; timeoutMs?: number } = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      program,
      args,
      {
        cwd: options.cwd ?? repositoryRoot,
        env: { ...process.env, ...options.env },
        maxBuffer: 256 * 1024 * 1024,
        timeout: options.timeoutMs ?? 120000,
      },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') {
          reject(new Error(`${program} ${args.join(' ')}: ${error.message}\n${stderr}`));
          return;
        }
        resolve({ code: error ? (error.code as number) : 0, stdout, stderr });
      },
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}

export type Manifest = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: Record<string, unknown>;
  [key: string]: unknown;
};

/** `helm template` of the chart, parsed; fails the test with Helm's message when rendering fails. */
export async function renderChart(release: string, valueFiles: string[] = [], set: string[] = []): Promise<Manifest[]> {
  const args = ['template', release, chartDir, '--namespace', release];
  for (const file of valueFiles) args.push('-f', file);
  for (const value of set) args.push('--set', value);
  const result = await run(tool('helm'), args);
  if (result.code !== 0) throw new Error(`helm ${args.join(' ')} failed:\n${result.stderr}`);
  return parseManifests(result.stdout);
}

export function parseManifests(text: string): Manifest[] {
  return parseAllDocuments(text)
    .map((document) => document.toJS() as Manifest | null)
    .filter((manifest): manifest is Manifest => manifest !== null);
}

/** kubeconform's schema location for the schemas the install script writes. */
export function kubeconformArgs(): string[] {
  return [
    '-strict',
    '-summary',
    '-output',
    'json',
    '-kubernetes-version',
    '1.34.0',
    '-schema-location',
    join(
      toolsCache,
      'k8s-schemas/{{ .NormalizedKubernetesVersion }}-standalone{{ .StrictSuffix }}/{{ .ResourceKind }}{{ .KindSuffix }}.json',
    ),
  ];
}
