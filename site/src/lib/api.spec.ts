import { expect } from 'chai';
import { errorFromBody } from './api.js';

describe('site API errors', () => {
  it('when the API answers with a known code, then the code and its details are kept', () => {
    const error = errorFromBody(409, { code: 'SLOT_TAKEN', message: 'taken', details: { alternatives: [] } });
    expect(error).to.deep.equal({ ok: false, status: 409, code: 'SLOT_TAKEN', details: { alternatives: [] } });
  });

  it('when something in between answers without a code, then the status decides', () => {
    expect(errorFromBody(502, '<html>').code).to.equal('UNAVAILABLE');
    expect(errorFromBody(429, undefined).code).to.equal('RATE_LIMITED');
    expect(errorFromBody(418, { code: 'TEAPOT' }).code).to.equal('UNKNOWN');
  });
});
