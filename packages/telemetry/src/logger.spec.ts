import { expect } from 'chai';
import { loggedError } from './logger.js';

describe('logged errors', () => {
  it('when a mail server rejects a patient address, then the logged error masks it and drops the server response', () => {
    const error = Object.assign(
      new Error("Can't send mail - all recipients were rejected: 550 <anna.beispiel@example.ch>"),
      {
        code: 'EENVELOPE',
        response: '550 5.1.1 <anna.beispiel@example.ch>: mailbox unavailable',
        rejected: ['anna.beispiel@example.ch'],
      },
    );
    const logged = loggedError(error);
    expect(logged).to.include({ type: 'Error', code: 'EENVELOPE' });
    expect(logged.message).to.equal("Can't send mail - all recipients were rejected: 550 <<e-mail>>");
    expect(JSON.stringify(logged)).to.not.include('anna.beispiel');
  });

  it('when PostgreSQL refuses a value, then its detail with the value stays out of the log', () => {
    const error = Object.assign(new Error('unsupported Unicode escape sequence'), {
      code: '22P05',
      detail: '\\u0000 cannot be converted to text.',
      where: 'JSON data, line 1: ..."lastName":"Null\\u0000',
    });
    const logged = loggedError(error);
    expect(logged).to.include({ message: 'unsupported Unicode escape sequence', code: '22P05' });
    expect(logged).to.not.have.any.keys('detail', 'where');
  });

  it('when an SMS provider quotes a phone number, then it is masked', () => {
    expect(loggedError(new Error('number +41 79 123 45 67 is not reachable')).message).to.equal(
      'number <phone> is not reachable',
    );
  });

  it('when a connection fails, then addresses and ports stay readable', () => {
    expect(loggedError(new Error('connect ECONNREFUSED 127.0.0.1:5672')).message).to.equal(
      'connect ECONNREFUSED 127.0.0.1:5672',
    );
  });
});
