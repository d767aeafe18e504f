import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { MailDev } from 'maildev';
import { startDemoStack } from '../support/demo-stack.js';
import type { Stack } from '../support/stack.js';
import { type OneUserRun, runOneUser } from './one-user-runner/run-one-user.js';

const loadTests = fileURLToPath(new URL('../../load-tests/', import.meta.url));

/**
 * Thresholds on counters and rates say whether the script did what it means to (one winner, every
 * flow completed, no 5xx); those on latencies say nothing from a handful of requests on a shared
 * CI machine, so they are printed, not judged.
 */
function expectScriptWorked(run: OneUserRun): void {
  expect(run.errors, 'exceptions in the script').to.deep.equal([]);
  expect(run.requests, 'HTTP requests made').to.be.greaterThan(0);
  const failedChecks = Object.entries(run.checks).filter(([, tally]) => tally.fails > 0);
  expect(failedChecks, 'failed checks').to.deep.equal([]);
  const judged = run.thresholds.filter((t) => t.type !== 'trend');
  expect(judged.length, 'thresholds on counters and rates').to.be.greaterThan(0);
  expect(
    judged.filter((t) => !t.ok).map((t) => `${t.key} ${t.expression} (was ${t.value})`),
    'failed thresholds',
  ).to.deep.equal([]);
  const latencies = run.thresholds
    .filter((t) => t.type === 'trend')
    .map((t) => `${t.key} ${t.expression}: ${t.value.toFixed(0)} ms`);
  process.stdout.write(`      ${run.requests} requests; latency thresholds not judged: ${latencies.join(', ')}\n`);
}

/**
 * Each k6 script of load-tests/ once, against the whole product with a mail catcher — NOT k6 and
 * NOT a load test (no k6 binary installs here): a one-user runner bundles the script with stand-ins
 * for the k6 modules and runs each of its functions once with real HTTP (see one-user-runner/).
 */
describe('k6 scripts of load-tests/, smoke-run by the one-user runner against the real stack', function () {
  this.timeout(300000);
  let stack: Stack;
  let maildev: MailDev;
  let mailDirectory: string;
  let env: Record<string, string>;

  before(async () => {
    mailDirectory = await mkdtemp(join(tmpdir(), 'otk-maildev-'));
    maildev = new MailDev({ smtp: 0, web: 0, ip: '127.0.0.1', webIp: '127.0.0.1', silent: true, mailDirectory });
    const servers = await maildev.start();
    // Notification sends to MailDev, as in a test deployment; the scripts read it over its HTTP API.
    stack = await startDemoStack({ env: { SMTP_URL: `smtp://127.0.0.1:${servers.smtp.getPort()}` } });
    env = {
      BASE_URL: stack.gatewayUrl,
      MAIL_API_URL: `http://127.0.0.1:${servers.api!.getPort()}`,
      THINK_SECONDS: '0',
    };
  });

  after(async () => {
    await stack?.stop();
    await maildev?.stop();
    if (mailDirectory) await rm(mailDirectory, { recursive: true, force: true });
  });

  it('when a patient browses availability, then every page answers and the script counts no 5xx', async () => {
    const run = await runOneUser(`${loadTests}availability.ts`, { env: { ...env, PAGES: '3' } });
    expectScriptWorked(run);
    expect(run.checks['availability: 200']?.passes).to.be.at.least(1);
  });

  it('when a patient holds, reads the e-mail in the mail catcher and confirms, then the flow completes and the booking is cancelled', async () => {
    const run = await runOneUser(`${loadTests}funnel.ts`, { env });
    expectScriptWorked(run);
    expect(run.checks).to.include.keys(
      'provisional-request e-mail with confirm link',
      'confirm: 200',
      'confirmation e-mail with manage link',
      'cancel: 200',
    );
  });

  it('when four users contend for one slot, then the script counts one 201 and three SLOT_TAKEN', async () => {
    const run = await runOneUser(`${loadTests}contention.ts`, {
      env: { ...env, CONTENDERS: '4', ROUNDS: '1' },
      vus: 4,
    });
    expectScriptWorked(run);
    const counted = Object.fromEntries(
      run.thresholds.filter((t) => t.key.startsWith('holds_')).map((t) => [t.key, t.value]),
    );
    expect(counted).to.deep.equal({ holds_won: 1, holds_slot_taken: 3, holds_5xx: 0, holds_other: 0 });
  });

  it('when the soak runs each of its scenarios once, then a hold is followed through its link and availability answers', async () => {
    const run = await runOneUser(`${loadTests}soak.ts`, { env });
    expectScriptWorked(run);
    expect(run.checks['provisional-request e-mail with confirm link']?.passes).to.equal(1);
  });
});
