import { expect } from 'chai';
import { smtpDeliveryError } from './mailer.js';
import { httpDeliveryError } from './sms-gateway.js';

describe('classifying failed sends', () => {
  it('when the mail server refuses a recipient with 5xx, then the error is permanent and its summary names no address', () => {
    const error = smtpDeliveryError(
      Object.assign(new Error("Can't send mail - all recipients were rejected: 550 <anna@example.org>: unknown"), {
        code: 'EENVELOPE',
        responseCode: 550,
      }),
    );
    expect(error.permanent).to.equal(true);
    expect(error.message).to.equal('SMTP EENVELOPE 550');
    expect(error.detail).to.include('anna@example.org');
  });

  it('when the mail server defers with 4xx, cannot be reached, or refuses our login, then the error is temporary', () => {
    expect(
      smtpDeliveryError(Object.assign(new Error('try later'), { code: 'EENVELOPE', responseCode: 451 })).permanent,
    ).to.equal(false);
    expect(smtpDeliveryError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ESOCKET' })).permanent).to.equal(
      false,
    );
    expect(
      smtpDeliveryError(Object.assign(new Error('bad login'), { code: 'EAUTH', responseCode: 535 })).permanent,
    ).to.equal(false);
  });

  it('when an SMS provider answers, then 4xx refuses for good except 401, 403, 408 and 429, and 5xx is temporary', () => {
    expect([400, 404, 422].map((s) => httpDeliveryError('twilio', s, '').permanent)).to.deep.equal([true, true, true]);
    expect([401, 403, 408, 429, 500, 503].map((s) => httpDeliveryError('twilio', s, '').permanent)).to.deep.equal([
      false,
      false,
      false,
      false,
      false,
      false,
    ]);
  });
});
