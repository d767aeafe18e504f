import { expect } from 'chai';
import { homeAlternates, homePath, languageOfHomePath } from './home-pages.js';

describe('home page per language', () => {
  it('when a language is given, then its home page is its own path; without one it is the root', () => {
    expect(homePath('fr')).to.equal('/fr/');
    expect(homePath(null)).to.equal('/');
  });

  it('when a path is a language home page, then its language is read, with or without the slash', () => {
    expect(languageOfHomePath('/it/')).to.equal('it');
    expect(languageOfHomePath('/en')).to.equal('en');
    for (const other of ['/', '/confirm', '/es/', '/fr/x', '/frr/', '/FR/'])
      expect(languageOfHomePath(other), other).to.equal(null);
  });

  it('when the alternates are listed, then each language has its page and the root is x-default', () => {
    expect(homeAlternates(['de', 'fr'])).to.deep.equal([
      { hreflang: 'de', path: '/de/' },
      { hreflang: 'fr', path: '/fr/' },
      { hreflang: 'x-default', path: '/' },
    ]);
    expect(homeAlternates().map((a) => a.hreflang)).to.deep.equal(['de', 'fr', 'it', 'en', 'x-default']);
  });
});
