import { expect } from 'chai';
import { type Scores, missedTargets } from '../../site/audit/lighthouse-targets.js';

const perfect: Scores = { performance: 100, accessibility: 100, 'best-practices': 100, seo: 100 };

describe('Lighthouse targets of the booking site (npm run lighthouse -w site)', () => {
  it('when every page scores 100 and the noindex pages score low on SEO, then no target is missed', () => {
    expect(
      missedTargets([
        ['home', { ...perfect, seo: 90 }],
        ['confirm', { ...perfect, seo: 60 }],
        ['manage', { ...perfect, seo: 60 }],
      ]),
    ).to.deep.equal([]);
  });

  it('when the home page misses performance and SEO and manage misses accessibility, then each miss is named', () => {
    expect(
      missedTargets([
        ['home', { ...perfect, performance: 99, seo: 89 }],
        ['confirm', perfect],
        ['manage', { ...perfect, accessibility: 96 }],
      ]),
    ).to.deep.equal(['home · performance 99 < 100', 'home · seo 89 < 90', 'manage · accessibility 96 < 100']);
  });

  it('when a category has no score, then it counts as missed', () => {
    expect(missedTargets([['confirm', { ...perfect, 'best-practices': null }]])).to.deep.equal([
      'confirm · best-practices: no score < 100',
    ]);
  });
});
