import { expect } from 'chai';
import { judgeAudit } from '../../scripts/ci/audit-report.js';

const advisory = (severity: string, id: string) => ({
  title: `problem ${id}`,
  url: `https://github.com/advisories/${id}`,
  severity,
});

describe('npm audit in CI', () => {
  it('when a shipped package has a high or critical advisory nobody reviewed, then the build is blocked', () => {
    const verdict = judgeAudit(
      {
        vulnerabilities: {
          a: { severity: 'critical', via: [advisory('critical', 'GHSA-aaaa')] },
          b: { severity: 'high', via: [advisory('high', 'GHSA-bbbb'), 'a'] },
          c: { severity: 'moderate', via: [advisory('moderate', 'GHSA-cccc')] },
        },
      },
      [
        {
          advisory: 'https://github.com/advisories/GHSA-bbbb',
          package: 'b',
          reason: 'not reachable',
          reviewed: '2026-11-26',
        },
      ],
    );
    expect(verdict).to.deep.equal({
      kind: 'blocked',
      advisories: ['a: critical — problem GHSA-aaaa (https://github.com/advisories/GHSA-aaaa)'],
    });
  });

  it('when only moderate or allowed advisories remain, then it passes', () => {
    const verdict = judgeAudit(
      { vulnerabilities: { c: { severity: 'moderate', via: [advisory('moderate', 'x')] } } },
      [],
    );
    expect(verdict).to.deep.equal({ kind: 'passed', vulnerablePackages: 1 });
  });

  it('when the registry refuses the audit (405), then it says the dependencies were not checked', () => {
    const verdict = judgeAudit(
      { message: '405 Method Not Allowed - POST https://registry.npmjs.org/-/npm/v1/security/advisories/bulk' },
      [],
    );
    expect(verdict).to.deep.equal({
      kind: 'not-checked',
      why: '405 Method Not Allowed - POST https://registry.npmjs.org/-/npm/v1/security/advisories/bulk',
    });
  });
});
