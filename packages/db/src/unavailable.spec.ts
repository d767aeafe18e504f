import { expect } from 'chai';
import { isDatabaseUnavailable, unavailableFromDatabase } from './unavailable.js';

const withCode = (code: string, message = 'failed') => Object.assign(new Error(message), { code });

describe('isDatabaseUnavailable', () => {
  for (const [what, error] of [
    ['the server is shutting down (57P01)', withCode('57P01', 'terminating connection due to administrator command')],
    ['the server is starting up (57P03)', withCode('57P03', 'the database system is starting up')],
    ['a connection exception (08006)', withCode('08006')],
    ['too many connections (53300)', withCode('53300')],
    ['the connection is refused', withCode('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432')],
    ['the connection drops', new Error('Connection terminated unexpectedly')],
    ['the pool cannot get a connection in time', new Error('timeout exceeded when trying to connect')],
    ['every address refuses', new AggregateError([withCode('ECONNREFUSED')], 'connect failed')],
  ] as const) {
    it(`when ${what}, then the database counts as unavailable`, () => {
      expect(isDatabaseUnavailable(error)).to.equal(true);
      expect(unavailableFromDatabase(error)?.code).to.equal('UNAVAILABLE');
    });
  }

  for (const [what, error] of [
    ['a unique violation (23505)', withCode('23505')],
    ['an exclusion violation (23P01)', withCode('23P01')],
    ['a syntax error (42601)', withCode('42601')],
    ['a deadlock (40P01)', withCode('40P01')],
    ['a programming error', new TypeError('x is undefined')],
    ['a thrown string', 'failed'],
  ] as const) {
    it(`when ${what}, then it is not taken for an outage`, () => {
      expect(isDatabaseUnavailable(error)).to.equal(false);
      expect(unavailableFromDatabase(error)).to.equal(undefined);
    });
  }
});
