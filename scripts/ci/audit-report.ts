/** Reading `npm audit --json`: what blocks a build, and when there is no report at all. */
interface Advisory {
  title?: string;
  url?: string;
  severity?: string;
}
export interface AuditReport {
  error?: { code?: string; summary?: string };
  /** What npm prints when the registry refuses the audit request (e.g. `405 Method Not Allowed - POST …`). */
  message?: string;
  vulnerabilities?: Record<string, { severity: string; via: (Advisory | string)[] }>;
}
export interface AllowedAdvisory {
  advisory: string;
  package: string;
  reason: string;
  reviewed: string;
}

export type AuditVerdict =
  | { kind: 'not-checked'; why: string }
  | { kind: 'blocked'; advisories: string[] }
  | { kind: 'passed'; vulnerablePackages: number };

/** High and critical advisories fail unless allowed; a missing report is said to be missing. */
export function judgeAudit(report: AuditReport, allowList: readonly AllowedAdvisory[]): AuditVerdict {
  if (report.error || !report.vulnerabilities) {
    return { kind: 'not-checked', why: report.message ?? report.error?.summary ?? report.error?.code ?? 'no report' };
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
  return blocking.size > 0
    ? { kind: 'blocked', advisories: [...blocking.values()] }
    : { kind: 'passed', vulnerablePackages: Object.keys(report.vulnerabilities).length };
}
