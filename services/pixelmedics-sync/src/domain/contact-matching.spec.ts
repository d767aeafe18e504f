import { expect } from 'chai';
import { isSamePerson, matchContact, normalizeName } from './contact-matching.js';
import type { Contact } from './practice-system.port.js';

const contact = (overrides: Partial<Contact> = {}): Contact => ({
  id: 'c-1',
  kind: 'patient',
  firstName: 'Zoë',
  lastName: 'Müller',
  birthDate: '1980-04-12',
  ...overrides,
});

describe('contact matching (S1)', () => {
  it('when names differ only in case, accents and spaces, then they are the same', () => {
    expect(normalizeName('  Müller   Lüdenscheidt ')).to.equal(normalizeName('muller ludenscheidt'));
    expect(isSamePerson(contact(), { firstName: 'ZOE', lastName: ' muller', birthDate: '1980-04-12' })).to.equal(true);
  });

  it('when the birth date differs, then it is another person', () => {
    expect(isSamePerson(contact(), { firstName: 'Zoë', lastName: 'Müller', birthDate: '1980-04-13' })).to.equal(false);
  });

  it('when the first name differs, then it is another person', () => {
    expect(isSamePerson(contact(), { firstName: 'Zora', lastName: 'Müller', birthDate: '1980-04-12' })).to.equal(false);
  });

  it('when two contacts match, then the match is ambiguous and names both', () => {
    const result = matchContact([contact(), contact({ id: 'c-2' }), contact({ id: 'c-3', birthDate: '1999-01-01' })], {
      firstName: 'Zoe',
      lastName: 'Muller',
      birthDate: '1980-04-12',
    });
    expect(result.kind).to.equal('ambiguous');
    expect(result.kind === 'ambiguous' && result.candidates.map((c) => c.id)).to.deep.equal(['c-1', 'c-2']);
  });

  it('when nobody matches, then the result is none', () => {
    expect(matchContact([], { firstName: 'A', lastName: 'B', birthDate: '2000-01-01' })).to.deep.equal({
      kind: 'none',
    });
  });
});
