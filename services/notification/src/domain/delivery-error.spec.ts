import { expect } from 'chai';
import { DeliveryError } from './delivery-error.js';

describe('DeliveryError', () => {
  it('when it is serialized for a log, then the server text with the address stays out', () => {
    const error = new DeliveryError('SMTP EENVELOPE 550', true, '550 <anna@example.org>: no such user');
    expect(error.detail).to.include('anna@example.org');
    expect(Object.keys(error)).to.not.include('detail');
    expect(JSON.stringify({ ...error, message: error.message })).to.not.include('anna@example.org');
  });
});
