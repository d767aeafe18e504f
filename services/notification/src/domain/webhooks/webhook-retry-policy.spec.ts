import { expect } from 'chai';
import { afterFailedAttempt, failureStreak } from './webhook-retry-policy.js';

const policy = { retryDelaysMs: [1000, 60_000], maxAttempts: 4, disableAfterFailures: 3, disableAfterMs: 3_600_000 };
const now = new Date('2030-01-07T08:00:00Z');
const failed = { result: 'failed', httpStatus: 503, error: 'http 503' } as const;

describe('webhook retry policy', () => {
  it('when an attempt fails, then the next waits the delay for its number, the last delay repeating', () => {
    const waits = [1, 2, 3].map((attempts) => {
      const next = afterFailedAttempt(attempts, now, policy);
      return next.status === 'pending' ? next.nextAttemptAt.getTime() - now.getTime() : undefined;
    });
    expect(waits).to.deep.equal([1000, 60_000, 60_000]);
  });

  it('when the last attempt fails, then the delivery is given up', () => {
    expect(afterFailedAttempt(4, now, policy)).to.deep.equal({ status: 'failed' });
  });

  it('when enough attempts failed in a row but over a short time, then the endpoint stays enabled', () => {
    const streak = failureStreak(
      { consecutiveFailures: 5, failingSince: new Date(now.getTime() - 60_000) },
      failed,
      now,
      policy,
    );
    expect(streak).to.include({ consecutiveFailures: 6, disable: false });
  });

  it('when enough attempts failed in a row over long enough, then the endpoint is disabled', () => {
    const since = new Date(now.getTime() - 3_600_000);
    expect(failureStreak({ consecutiveFailures: 2, failingSince: since }, failed, now, policy)).to.deep.equal({
      consecutiveFailures: 3,
      failingSince: since,
      disable: true,
    });
  });

  it('when an attempt succeeds, then the streak starts over', () => {
    const streak = failureStreak(
      { consecutiveFailures: 9, failingSince: now },
      { result: 'delivered', httpStatus: 200 },
      now,
      policy,
    );
    expect(streak).to.deep.equal({ consecutiveFailures: 0, failingSince: null, disable: false });
  });
});
