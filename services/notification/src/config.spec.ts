import { ConfigError, parseConfig } from '@otk/config';
import { expect } from 'chai';
import { configSchema } from './config.js';

const base = {
  DATABASE_URL: 'postgres://notification@127.0.0.1:5432/otk',
  AMQP_URL: 'amqp://guest:guest@127.0.0.1:5672',
  SMTP_URL: 'smtp://127.0.0.1:1025',
};

function problemsOf(env: Record<string, string>): string[] {
  try {
    parseConfig(configSchema, { ...base, ...env });
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.issues.map((i) => i.variable);
    throw error;
  }
}

describe('notification configuration', () => {
  it('when only the required variables are set, then SMS is off and retries back off up to 10 minutes', () => {
    const config = parseConfig(configSchema, base);
    expect(config.SMS_PROVIDER).to.equal('none');
    expect(config.NOTIFICATION_RETRY_DELAYS_MS).to.deep.equal([5000, 30000, 120000, 600000]);
    expect(config.NOTIFICATION_MAX_ATTEMPTS).to.equal(10);
  });

  it('when Twilio is chosen without its account and key, then both variables are named', () => {
    expect(problemsOf({ SMS_PROVIDER: 'twilio' }).sort()).to.deep.equal(['SMS_ACCOUNT_ID', 'SMS_API_KEY']);
  });

  it('when the generic adapter is chosen without URL and key, then both variables are named', () => {
    expect(problemsOf({ SMS_PROVIDER: 'http' }).sort()).to.deep.equal(['SMS_API_KEY', 'SMS_API_URL']);
  });

  it('when the retry delays are not a list of milliseconds, then the variable is named', () => {
    expect(problemsOf({ NOTIFICATION_RETRY_DELAYS_MS: '5s,10s' })).to.deep.equal(['NOTIFICATION_RETRY_DELAYS_MS']);
  });
});
