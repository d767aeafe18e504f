/**
 * `npm audit --omit=dev` for CI: fails on high and critical advisories of the packages that ship,
 * except those in audit-allowlist.json (each reviewed, with a reason). When the registry cannot
 * answer audits (some mirrors answer 405), it says so plainly and does not fail: the dependencies
 * were then not checked, which docs/security.md states.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type AllowedAdvisory, type AuditReport, judgeAudit } from './audit-report.js';

const say = (line: string) => process.stdout.write(`${line}\n`);
const root = fileURLToPath(new URL('../..', import.meta.url));
const allowList = JSON.parse(readFileSync(`${root}audit-allowlist.json`, 'utf8')) as AllowedAdvisory[];
const result = spawnSync('npm', ['audit', '--omit=dev', '--json'], { cwd: root, encoding: 'utf8' });

let report: AuditReport;
try {
  report = JSON.parse(result.stdout) as AuditReport;
} catch {
  report = { error: { summary: (result.stderr || result.stdout).trim().split('\n').at(-1) } };
}
const verdict = judgeAudit(report, allowList);
switch (verdict.kind) {
  case 'not-checked':
    say(
      `npm audit: NOT CHECKED — the registry did not answer the audit (${verdict.why}). Dependencies were not audited.`,
    );
    break;
  case 'blocked':
    say(`npm audit: ${verdict.advisories.length} high or critical advisories not in audit-allowlist.json:`);
    for (const line of verdict.advisories) say(`  ${line}`);
    process.exit(1);
    break;
  case 'passed':
    say(
      `npm audit: no high or critical advisories outside the allow-list (${verdict.vulnerablePackages} vulnerable packages in all).`,
    );
}
