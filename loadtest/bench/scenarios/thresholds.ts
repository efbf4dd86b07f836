import { LoadDigest } from '../load-digest';

export interface Threshold {
  name: string;
  ok: boolean;
  detail: string;
}

/**
 * The checks every scenario makes on its answers: nothing outside `expected` (beyond `tolerated`, a share
 * of all answers), no request without an answer, and the latency bound (loose: a shared machine).
 */
export function answerThresholds(
  d: LoadDigest,
  expected: string[],
  { tolerated = 0, p95Ms, p99Ms }: { tolerated?: number; p95Ms?: number; p99Ms?: number },
): Threshold[] {
  const unexpected = Object.entries(d.outcomes).filter(([code]) => !expected.includes(code));
  const count = unexpected.reduce((a, [, k]) => a + k, 0);
  const checks: Threshold[] = [
    {
      name: `answers are ${expected.join(' or ')}${tolerated ? ` (else < ${tolerated * 100} %)` : ''}`,
      ok: tolerated ? count < tolerated * Math.max(1, d.requests) : count === 0,
      detail: count ? unexpected.map(([c, k]) => `${c} ${k}`).join(', ') : 'none other',
    },
    {
      name: 'every request answered',
      ok: d.socketErrors === 0,
      detail: `${d.socketErrors} without an answer`,
    },
  ];
  if (p95Ms !== undefined)
    checks.push({
      name: `p95 < ${p95Ms} ms`,
      ok: d.latencyMs.p95 < p95Ms,
      detail: `p95 ${d.latencyMs.p95} ms`,
    });
  if (p99Ms !== undefined)
    checks.push({
      name: `p99 < ${p99Ms} ms`,
      ok: d.latencyMs.p99 < p99Ms,
      detail: `p99 ${d.latencyMs.p99} ms`,
    });
  return checks;
}

export function exactly(name: string, actual: number, wanted: number): Threshold {
  return { name, ok: actual === wanted, detail: `${actual} (wanted ${wanted})` };
}

export function atLeast(name: string, actual: number, wanted: number): Threshold {
  return { name, ok: actual >= wanted, detail: `${actual} (wanted ≥ ${wanted})` };
}
