import { expect } from 'chai';
import { type MetricSamples, evaluateThresholds, parseKey } from './thresholds.js';

const samples = (type: MetricSamples['type'], values: number[], tags: Record<string, string> = {}): MetricSamples => ({
  type,
  samples: values.map((value) => ({ value, tags })),
});

describe('the one-user runner evaluates k6 thresholds', () => {
  it('when a key filters by tags, then only the matching samples count', () => {
    const duration: MetricSamples = {
      type: 'trend',
      samples: [
        { value: 10, tags: { name: 'availability' } },
        { value: 900, tags: { name: 'holds' } },
      ],
    };
    const [result] = evaluateThresholds(
      { 'http_req_duration{name:availability}': ['p(95)<50'] },
      new Map([['http_req_duration', duration]]),
    );
    expect(result).to.include({ value: 10, ok: true });
    expect(parseKey('http_req_duration{name:holds,method:POST}')).to.deep.equal({
      metric: 'http_req_duration',
      tags: { name: 'holds', method: 'POST' },
    });
  });

  it('when counters, rates and trends are judged, then each aggregation has k6 meaning', () => {
    const metrics = new Map([
      ['holds_won', samples('counter', [1, 1])],
      ['api_non_5xx', samples('rate', [1, 1, 1, 0])],
      ['latency', samples('trend', [10, 20, 30, 40, 50])],
    ]);
    const results = evaluateThresholds(
      {
        holds_won: ['count==2', { threshold: 'count==1' }],
        api_non_5xx: ['rate>=0.75', 'rate>=0.999'],
        latency: ['p(50)<=30', 'avg==30', 'max<50', 'med==30'],
      },
      metrics,
    );
    expect(results.map((r) => `${r.key} ${r.expression} ${r.ok}`)).to.deep.equal([
      'holds_won count==2 true',
      'holds_won count==1 false',
      'api_non_5xx rate>=0.75 true',
      'api_non_5xx rate>=0.999 false',
      'latency p(50)<=30 true',
      'latency avg==30 true',
      'latency max<50 false',
      'latency med==30 true',
    ]);
  });

  it('when a metric got no samples, then a rate fails, a count is zero, and an unknown expression is refused', () => {
    const results = evaluateThresholds(
      { flows: ['rate>=0.99'], holds_5xx: ['count==0'], never_defined: ['count==0'] },
      new Map([
        ['flows', samples('rate', [])],
        ['holds_5xx', samples('counter', [])],
      ]),
    );
    expect(results.map((r) => r.ok)).to.deep.equal([false, true, false]);
    expect(() => evaluateThresholds({ x: ['p95<1'] }, new Map([['x', samples('trend', [1])]]))).to.throw(
      /not understood/,
    );
  });
});
