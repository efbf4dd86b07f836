/** Latency-style summary of a set of values (ms). */
export interface Percentiles {
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** Nearest-rank percentile of ascending `sorted` values (p in 0..100); NaN for no values. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

export function percentiles(values: readonly number[], digits = 1): Percentiles {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) => round(percentile(sorted, p), digits);
  return { p50: at(50), p95: at(95), p99: at(99), max: round(sorted.at(-1) ?? NaN, digits) };
}

/** A cumulative curve from event times: [ms since t0, events so far], at most `points` + 1 points. */
export function cumulative(times: readonly number[], t0: number, points = 100): [number, number][] {
  const sorted = [...times].sort((a, b) => a - b);
  if (sorted.length === 0) return [];
  const step = Math.max(1, Math.floor(sorted.length / points));
  const curve: [number, number][] = [];
  for (let i = step - 1; i < sorted.length; i += step) curve.push([Math.round(sorted[i] - t0), i + 1]);
  if (curve.at(-1)?.[1] !== sorted.length) curve.push([Math.round(sorted.at(-1)! - t0), sorted.length]);
  return curve;
}

export const round = (x: number, digits = 2) => (Number.isFinite(x) ? Number(x.toFixed(digits)) : x);
