import { Percentiles, cumulative, round } from './stats';

/** What loadtest/wrk/purchase.lua writes to WRK_OUT (numbers as Lua prints them; an empty list is `{}`). */
export interface WrkOutput {
  requests: number;
  durationUs: number;
  errors: Record<string, number>;
  latencyUs: Record<string, number>;
  counts: Record<string, number>;
  firstMs: number;
  lastMs: number;
  behindMs: number;
  admitted: number[] | Record<string, never>;
}

/** One load run, as every part of the bench reads it. */
export interface LoadDigest {
  name: string;
  /** answers received */
  requests: number;
  /** first send to last answer, s */
  windowS: number;
  rps: number;
  latencyMs: Percentiles & { p90: number; mean: number };
  /** answers by outcome: QUEUED (202), CREATED (201), OK (200), else the body's error code or HTTP_<status> */
  outcomes: Record<string, number>;
  /** connect/read/write errors and timeouts: requests that got no answer */
  socketErrors: number;
  successes: { count: number; perSecond: number; lastMs: number | null };
  /** cumulative 2xx answers: [ms since the first send, count] */
  admissions: [number, number][];
  /** epoch ms of the first send */
  t0: number;
  /** how far the paced sends fell behind their schedule at worst (open model), ms */
  behindMs: number;
  generator: { name: string; cpuMs: number | null; cpuPerRequestMs: number | null };
}

const SUCCESS: Record<string, string> = { '200': 'OK', '201': 'CREATED', '202': 'QUEUED' };

/** `202` → QUEUED, `409:SOLD_OUT` → SOLD_OUT, `500:` (no code in the body) → HTTP_500. */
export function outcomeOf(key: string): string {
  if (SUCCESS[key]) return SUCCESS[key];
  const [status, code] = key.split(':');
  return code || `HTTP_${status}`;
}

export function digestWrk(raw: WrkOutput, name: string, cpuMs: number | null): LoadDigest {
  const outcomes: Record<string, number> = {};
  for (const [key, n] of Object.entries(raw.counts)) {
    const outcome = outcomeOf(key);
    outcomes[outcome] = (outcomes[outcome] ?? 0) + n;
  }
  const admitted = Array.isArray(raw.admitted) ? raw.admitted : [];
  const windowMs = Math.max(1, raw.lastMs - raw.firstMs);
  const lastAdmission = admitted.length ? admitted.reduce((a, b) => Math.max(a, b)) : null;
  const ms = (key: string) => round((raw.latencyUs[key] ?? NaN) / 1000, 1);
  return {
    name,
    requests: raw.requests,
    windowS: round(windowMs / 1000, 3),
    rps: round((raw.requests * 1000) / windowMs, 0),
    latencyMs: {
      p50: ms('p50'),
      p90: ms('p90'),
      p95: ms('p95'),
      p99: ms('p99'),
      max: ms('max'),
      mean: ms('mean'),
    },
    outcomes,
    socketErrors: Object.values(raw.errors ?? {}).reduce((a, b) => a + b, 0) - (raw.errors?.status ?? 0),
    successes: {
      count: admitted.length,
      perSecond: lastAdmission
        ? round((admitted.length * 1000) / Math.max(1, lastAdmission - raw.firstMs), 0)
        : 0,
      lastMs: lastAdmission,
    },
    admissions: cumulative(admitted, raw.firstMs),
    t0: Math.round(raw.firstMs),
    behindMs: round(raw.behindMs, 0),
    generator: {
      name: 'wrk',
      cpuMs: cpuMs === null ? null : round(cpuMs, 0),
      cpuPerRequestMs: cpuMs === null ? null : round(cpuMs / Math.max(1, raw.requests), 4),
    },
  };
}
