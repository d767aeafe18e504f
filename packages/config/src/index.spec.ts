import { expect } from 'chai';
import { ConfigError, commonEnvSchema, env, parseConfig, z } from './index.js';

describe('config', () => {
  const schema = z.object({ ...commonEnvSchema, PORT: env.port(8080), SECRET: z.string().min(16) });
  const valid = {
    DATABASE_URL: 'postgres://127.0.0.1/otk',
    AMQP_URL: 'amqp://guest:guest@127.0.0.1:5672',
    SECRET: 'a-very-long-secret-value',
  };

  it('when every required variable is set, then defaults fill the rest', () => {
    const config = parseConfig(schema, valid);
    expect(config.PORT).to.equal(8080);
    expect(config.LOG_LEVEL).to.equal('info');
  });

  it('when a secret is missing, then the error names the variable', () => {
    const { SECRET: _omitted, ...rest } = valid;
    expect(() => parseConfig(schema, rest)).to.throw(ConfigError, /SECRET/);
  });

  it('when a URL has the wrong protocol, then the error names the variable', () => {
    expect(() => parseConfig(schema, { ...valid, AMQP_URL: 'http://x' })).to.throw(ConfigError, /AMQP_URL/);
  });

  it('when a variable is empty, then it counts as unset', () => {
    expect(() => parseConfig(schema, { ...valid, SECRET: '' })).to.throw(ConfigError, /SECRET/);
  });

  it('when a bind address is not an IP address, then the error names the variable; unset, it binds every interface', () => {
    const withHost = z.object({ HOST: env.host() });
    expect(parseConfig(withHost, {}).HOST).to.equal('0.0.0.0');
    expect(parseConfig(withHost, { HOST: '127.0.0.1' }).HOST).to.equal('127.0.0.1');
    expect(parseConfig(withHost, { HOST: '::' }).HOST).to.equal('::');
    expect(() => parseConfig(withHost, { HOST: 'example.org' })).to.throw(ConfigError, /HOST/);
  });
});
