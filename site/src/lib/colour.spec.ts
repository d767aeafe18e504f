import { expect } from 'chai';
import { brandColours, contrastWithWhite } from './colour.js';

describe('site brand colour', () => {
  it('when contrast is computed, then it follows WCAG (white on black 21:1, on white 1:1)', () => {
    expect(contrastWithWhite('#000000')).to.be.closeTo(21, 0.01);
    expect(contrastWithWhite('#ffffff')).to.be.closeTo(1, 0.01);
    expect(contrastWithWhite('#0b5cad')).to.be.greaterThan(4.5);
  });

  it('when the practice colour is dark enough for white text, then it becomes the brand colour', () => {
    expect(brandColours('#1b5e20')).to.deep.equal({
      '--brand': '#1b5e20',
      '--brand-dark': '#144718',
      '--brand-tint': '#e8efe9',
    });
  });

  it('when the practice colour is too light or malformed, then the site keeps its own', () => {
    expect(brandColours('#ffcc00')).to.equal(null);
    expect(brandColours('red')).to.equal(null);
    expect(brandColours(null)).to.equal(null);
  });
});
