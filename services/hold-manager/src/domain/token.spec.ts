import { AppError } from '@otk/contracts';
import { expect } from 'chai';
import { assertPurpose, hashToken, newToken } from './token.js';

describe('link tokens', () => {
  it('when a token is made, then it carries 256 random bits and only its SHA-256 is kept', () => {
    const token = newToken();
    expect(Buffer.from(token.value, 'base64url')).to.have.length(32);
    expect(token.hash)
      .to.equal(hashToken(token.value))
      .and.to.match(/^[0-9a-f]{64}$/);
    expect(newToken().value).to.not.equal(token.value);
  });

  it('when a token is used for another purpose or is unknown, then TOKEN_INVALID', () => {
    expect(() => assertPurpose({ purpose: 'confirm' }, 'confirm')).not.to.throw();
    expect(() => assertPurpose({ purpose: 'manage' }, 'confirm'))
      .to.throw(AppError)
      .with.property('code', 'TOKEN_INVALID');
    expect(() => assertPurpose(undefined, 'manage'))
      .to.throw(AppError)
      .with.property('code', 'TOKEN_INVALID');
  });
});
