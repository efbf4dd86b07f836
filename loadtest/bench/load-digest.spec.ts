import { WrkOutput, digestWrk, outcomeOf } from './load-digest';

const raw = (over: Partial<WrkOutput> = {}): WrkOutput => ({
  requests: 4,
  durationUs: 3_000_000,
  errors: { connect: 0, read: 0, write: 0, status: 2, timeout: 0 },
  latencyUs: { p50: 1500, p90: 2000, p95: 2500, p99: 9000, 'p99.9': 9000, max: 12000, mean: 2000 },
  counts: { '202': 2, '409:SOLD_OUT': 1, '500:': 1 },
  firstMs: 1_000,
  lastMs: 3_000,
  behindMs: 0,
  admitted: [1_500, 2_000],
  ...over,
});

describe('the digest of a wrk run', () => {
  it('when answers are counted by status and code, then they become outcomes', () => {
    expect(outcomeOf('202')).toBe('QUEUED');
    expect(outcomeOf('409:ALREADY_PURCHASED')).toBe('ALREADY_PURCHASED');
    expect(outcomeOf('502:')).toBe('HTTP_502');
    expect(digestWrk(raw(), 'spike', null).outcomes).toEqual({ QUEUED: 2, SOLD_OUT: 1, HTTP_500: 1 });
  });

  it('when the run spans first send to last answer, then req/s and successes/s come from that window', () => {
    const d = digestWrk(raw(), 'spike', 40);
    expect(d.windowS).toBe(2);
    expect(d.rps).toBe(2);
    expect(d.successes).toEqual({ count: 2, perSecond: 2, lastMs: 2_000 });
    expect(d.admissions).toEqual([
      [500, 1],
      [1_000, 2],
    ]);
    expect(d.latencyMs.p99).toBe(9);
    expect(d.generator.cpuPerRequestMs).toBe(10);
  });

  it('when nothing was admitted (Lua writes an empty list as {}), then successes are zero', () => {
    const d = digestWrk(raw({ admitted: {}, counts: { '409:SOLD_OUT': 4 } }), 'refusals', null);
    expect(d.successes).toEqual({ count: 0, perSecond: 0, lastMs: null });
    expect(d.admissions).toEqual([]);
  });

  it('when status errors are counted by wrk, then they are not taken for requests without an answer', () => {
    const d = digestWrk(raw({ errors: { connect: 1, read: 0, write: 0, status: 5, timeout: 2 } }), 'x', 0);
    expect(d.socketErrors).toBe(3);
  });
});
