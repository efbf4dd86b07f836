import { cumulative, percentile, percentiles } from './stats';

describe('percentiles', () => {
  const hundred = Array.from({ length: 100 }, (_, i) => i + 1);

  it('when asked for p50, p95, p99 of 1..100, then the nearest ranks are 50, 95, 99', () => {
    expect(percentiles([...hundred].reverse())).toEqual({ p50: 50, p95: 95, p99: 99, max: 100 });
  });

  it('when there is one value, then every percentile is that value', () => {
    expect(percentile([7], 1)).toBe(7);
    expect(percentile([7], 99.9)).toBe(7);
  });

  it('when there are no values, then the percentile is NaN rather than a made-up zero', () => {
    expect(percentile([], 50)).toBeNaN();
  });
});

describe('a cumulative curve', () => {
  it('when built from event times, then it rises to the count and is relative to t0', () => {
    const curve = cumulative([1_030, 1_010, 1_020, 1_040], 1_000, 2);
    expect(curve).toEqual([
      [20, 2],
      [40, 4],
    ]);
  });

  it('when the count is not a multiple of the step, then the last event still ends the curve', () => {
    expect(cumulative([5, 6, 7], 0, 2).at(-1)).toEqual([7, 3]);
  });
});
