import { LoadDigest } from '../load-digest';
import { answerThresholds, exactly } from './thresholds';

const digest = (outcomes: Record<string, number>, over: Partial<LoadDigest> = {}) =>
  ({
    requests: Object.values(outcomes).reduce((a, b) => a + b, 0),
    outcomes,
    socketErrors: 0,
    latencyMs: { p50: 5, p90: 8, p95: 10, p99: 40, max: 90, mean: 6 },
    ...over,
  }) as LoadDigest;

describe('scenario thresholds', () => {
  it('when every answer is expected and fast enough, then every check passes', () => {
    const checks = answerThresholds(digest({ QUEUED: 20, SOLD_OUT: 40 }), ['QUEUED', 'SOLD_OUT'], {
      p95Ms: 1000,
    });
    expect(checks.every((c) => c.ok)).toBe(true);
  });

  it('when one answer is a 503, then the answers check fails and names it', () => {
    const [answers] = answerThresholds(digest({ QUEUED: 20, UNAVAILABLE: 1 }), ['QUEUED'], {});
    expect(answers).toMatchObject({ ok: false, detail: 'UNAVAILABLE 1' });
  });

  it('when a share is tolerated, then fewer unexpected answers than that share pass', () => {
    const d = digest({ QUEUED: 9_995, RATE_LIMITED: 5 });
    expect(answerThresholds(d, ['QUEUED'], { tolerated: 0.001 })[0].ok).toBe(true);
    expect(answerThresholds(d, ['QUEUED'], { tolerated: 0.0001 })[0].ok).toBe(false);
  });

  it('when requests went unanswered or p99 is over its bound, then those checks fail', () => {
    const checks = answerThresholds(digest({ QUEUED: 1 }, { socketErrors: 2 }), ['QUEUED'], { p99Ms: 30 });
    expect(checks.filter((c) => !c.ok).map((c) => c.name)).toEqual(['every request answered', 'p99 < 30 ms']);
  });

  it('when the count is off by one, then the exact check fails', () => {
    expect(exactly('items sold', 19, 20).ok).toBe(false);
  });
});
