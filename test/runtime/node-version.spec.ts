import { readFile, readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { expect } from 'chai';
import { parse } from 'yaml';

// One Node.js version for development, CI and images: `.node-version` is the pin, and everything
// else that names a Node.js version must name the same one.
const root = join(import.meta.dirname, '..', '..');
const read = (path: string) => readFile(join(root, path), 'utf8');

async function pinnedVersion(): Promise<string> {
  return (await read('.node-version')).trim();
}

/** Files under the repository whose name matches, skipping dependencies and build output. */
async function findFiles(matches: (name: string) => boolean, dir = root): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (['node_modules', 'dist', '.git', '.otk', 'test-artifacts'].includes(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...(await findFiles(matches, path)));
    else if (matches(entry.name)) found.push(relative(root, path));
  }
  return found;
}

interface WorkflowStep {
  uses?: string;
  with?: Record<string, unknown>;
}

describe('runtime: one pinned Node.js version', () => {
  it('when the pin is read, then it names an exact release of an LTS line (even major)', async () => {
    const version = await pinnedVersion();
    expect(version).to.match(/^\d+\.\d+\.\d+$/);
    expect(Number(version.split('.')[0]) % 2, 'an even major is an LTS line').to.equal(0);
  });

  it('when the tests run, then they run on the pinned version', async () => {
    expect(process.version).to.equal(`v${await pinnedVersion()}`);
  });

  it("when package.json's engines are read, then they admit the pin and nothing below it or past its major", async () => {
    const version = await pinnedVersion();
    const { engines } = JSON.parse(await read('package.json')) as { engines: { node: string } };
    expect(engines.node).to.equal(`>=${version} <${Number(version.split('.')[0]) + 1}`);
  });

  it('when the GitHub workflows set up Node.js, then every one of them reads the pin file', async () => {
    const workflows = await findFiles((name) => /\.ya?ml$/.test(name), join(root, '.github', 'workflows'));
    const setups: { file: string; step: WorkflowStep }[] = [];
    for (const file of workflows) {
      const workflow = parse(await read(file)) as { jobs: Record<string, { steps?: WorkflowStep[] }> };
      for (const job of Object.values(workflow.jobs)) {
        for (const step of job.steps ?? []) {
          if (step.uses?.startsWith('actions/setup-node')) setups.push({ file, step });
        }
      }
    }
    expect(setups, 'at least the CI workflow sets up Node.js').to.have.length.above(0);
    for (const { file, step } of setups) {
      expect(step.with?.['node-version-file'], `${file}: ${step.uses}`).to.equal('.node-version');
      expect(step.with?.['node-version'], `${file}: no second version`).to.equal(undefined);
    }
  });

  it('when the image Dockerfiles are read, then each takes the pinned version as NODE_VERSION and names no other', async () => {
    const version = await pinnedVersion();
    const dockerfiles = await findFiles((name) => /^Dockerfile/.test(name) || name.endsWith('.Dockerfile'));
    expect(dockerfiles, 'the services image and the site image').to.include.members(['Dockerfile', 'site/Dockerfile']);
    for (const file of dockerfiles) {
      const text = await read(file);
      const declared = [...text.matchAll(/^ARG NODE_VERSION=(\S+)\s*$/gm)].map((match) => match[1]);
      const hardCoded = [...text.matchAll(/^FROM\s+\S*node:(\d[^\s-]*)/gm)].map((match) => match[1]);
      expect(declared, `${file}: ARG NODE_VERSION`).to.deep.equal([version]);
      expect(hardCoded, `${file}: a node base image names its version through NODE_VERSION`).to.deep.equal([]);
    }
  });
});
