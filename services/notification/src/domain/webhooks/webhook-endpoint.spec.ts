import { AppError } from '@otk/contracts';
import { expect } from 'chai';
import { activeSecrets, parseEndpointUrl, parseEventTypes, parsePersonalDataLevel } from './webhook-endpoint.js';

/** The code and field of the error `parse` throws. */
function refusal(parse: () => unknown): { code: string; field: unknown } | undefined {
  try {
    parse();
  } catch (error) {
    if (error instanceof AppError) return { code: error.code, field: error.details?.field };
    throw error;
  }
  return undefined;
}

describe('webhook endpoint settings', () => {
  it('when a URL is https, or http to this machine, then it is accepted', () => {
    expect(parseEndpointUrl('https://crm.example.ch/hooks/otk?key=1')).to.equal(
      'https://crm.example.ch/hooks/otk?key=1',
    );
    expect(parseEndpointUrl('http://127.0.0.1:8080/hook')).to.equal('http://127.0.0.1:8080/hook');
    expect(parseEndpointUrl('http://localhost/hook')).to.equal('http://localhost/hook');
  });

  it('when a URL is plain http elsewhere, carries credentials or is no URL, then it is refused as VALIDATION_FAILED', () => {
    for (const url of [
      'http://crm.example.ch/hook',
      'https://user:pw@crm.example.ch/',
      'ftp://x.example/',
      'crm.example.ch',
    ])
      expect(
        refusal(() => parseEndpointUrl(url)),
        url,
      ).to.deep.equal({ code: 'VALIDATION_FAILED', field: 'url' });
  });

  it('when event types are listed, then only known ones are accepted; none listed means all', () => {
    expect(parseEventTypes('booking.confirmed, booking.cancelled')).to.deep.equal([
      'booking.confirmed',
      'booking.cancelled',
    ]);
    expect(parseEventTypes(undefined)).to.have.length(6);
    expect(parseEventTypes('waitlist.offered')).to.deep.equal(['waitlist.offered']);
    expect(refusal(() => parseEventTypes('booking.withdrawn'))).to.deep.equal({
      code: 'VALIDATION_FAILED',
      field: 'events',
    });
  });

  it("when no personal-data level is given, then it is 'none'; an unknown one is refused", () => {
    expect(parsePersonalDataLevel(undefined)).to.equal('none');
    expect(refusal(() => parsePersonalDataLevel('all'))).to.deep.equal({
      code: 'VALIDATION_FAILED',
      field: 'personalData',
    });
  });

  it('when a rotation is under way, then both secrets sign until the grace period ends', () => {
    const secrets = { current: 'new', previous: { secret: 'old', until: new Date('2030-01-02T00:00:00Z') } };
    expect(activeSecrets(secrets, new Date('2030-01-01T00:00:00Z'))).to.deep.equal(['new', 'old']);
    expect(activeSecrets(secrets, new Date('2030-01-02T00:00:00Z'))).to.deep.equal(['new']);
  });
});
