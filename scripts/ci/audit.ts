/**
 * `npm audit --omit=dev` for CI: fails on high and critical advisories of the packages that ship,
 * except those in audit-allowlist.json (each reviewed, with a reason). When the registry cannot
 * answer audits (some mirrors answer 405), it says so plainly and does not fail: the dependencies
 * were then not checked, which docs/security.md states.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

interface Advisory {
  source?: number;
  title?: string;
  url?: string;
  severity?: string;
}
interface AuditReport {
  error?: { code?: string; summary?: string };
  /** What npm prints when the registry refuses the audit request (e.g. `405 Method Not Allowed - POST …`). */
  message?: string;
  vulnerabilities?: Record<string, { severity: string; via: (Advisory | string)[] }>;
}
interface AllowedAdvisory {
  advisory: string;
  package: string;
  reason: string;
  reviewed: string;
}

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
if (report.error || !report.vulnerabilities) {
  const why = report.message ?? report.error?.summary ?? report.error?.code ?? 'no report';
  say(`npm audit: NOT CHECKED — the registry did not answer the audit (${why}). Dependencies were not audited.`);
  process.exit(0);
}

const allowed = new Set(allowList.map((entry) => entry.advisory));
const blocking = new Map<string, string>();
for (const [name, vulnerability] of Object.entries(report.vulnerabilities)) {
  for (const via of vulnerability.via) {
    if (typeof via === 'string' || !via.url) continue;
    if (via.severity !== 'high' && via.severity !== 'critical') continue;
    if (!allowed.has(via.url)) blocking.set(via.url, `${name}: ${via.severity} — ${via.title ?? ''} (${via.url})`);
  }
}
const total = Object.keys(report.vulnerabilities).length;
if (blocking.size > 0) {
  say(`npm audit: ${blocking.size} high or critical advisories not in audit-allowlist.json:`);
  for (const line of blocking.values()) say(`  ${line}`);
  process.exit(1);
}
say(`npm audit: no high or critical advisories outside the allow-list (${total} vulnerable packages in all).`);
