// What every purchase is counted as: one counter per outcome code (the outcome mix), one rate per
// kind of error (the thresholds "by code"), and the latency and time of the admitted ones.
import { Counter, Rate, Trend } from 'k6/metrics';

// 2xx names per target: the gateway queues (202), the naive baseline creates (201), the bare server says OK.
const SUCCESS = { 200: 'OK', 201: 'CREATED', 202: 'QUEUED' };
export const OUTCOMES = [
  'QUEUED',
  'CREATED',
  'OK',
  'SOLD_OUT',
  'ALREADY_PURCHASED',
  'NOT_STARTED',
  'ENDED',
  'RATE_LIMITED',
  'BLOCKED',
  'UNAVAILABLE',
  'UNAUTHORIZED',
  'VALIDATION_FAILED',
  'NOT_FOUND',
  'OTHER',
];
const outcomeCounters = Object.fromEntries(OUTCOMES.map((code) => [code, new Counter(`outcome_${code}`)]));

// Each purchase adds true/false to every rate, so `rate` is that code's share of all purchases.
const errorRates = {
  RATE_LIMITED: new Rate('errors_rate_limited'),
  BLOCKED: new Rate('errors_blocked'),
  UNAVAILABLE: new Rate('errors_unavailable'),
  SERVER: new Rate('errors_server'), // network failures and 5xx other than 503
  UNEXPECTED: new Rate('errors_unexpected'), // any outcome the scenario does not expect
};

/** Latency of every purchase answer, and of admitted ones only (the figure a buyer who won sees). */
export const purchaseDuration = new Trend('purchase_duration', true);
export const admittedDuration = new Trend('admitted_duration', true);
/** When each admission arrived, in ms since setup() returned: the admissions curve of the chart. */
export const admittedAt = new Trend('admitted_at');
/** When each purchase answer arrived (any outcome), in ms since setup(): the end of the burst. */
export const answeredAt = new Trend('answered_at');

export function outcomeOf(res) {
  if (SUCCESS[res.status]) return SUCCESS[res.status];
  let code;
  try {
    code = res.json('code');
  } catch {
    code = undefined; // not JSON: a proxy page, a reset connection
  }
  return OUTCOMES.includes(code) ? code : 'OTHER';
}

/** Counts one purchase answer; `expected` lists the outcomes that are not errors in this scenario. */
export function recordPurchase(res, expected, t0) {
  const code = outcomeOf(res);
  outcomeCounters[code].add(1);
  errorRates.RATE_LIMITED.add(code === 'RATE_LIMITED');
  errorRates.BLOCKED.add(code === 'BLOCKED');
  errorRates.UNAVAILABLE.add(code === 'UNAVAILABLE');
  errorRates.SERVER.add(res.status === 0 || (res.status >= 500 && res.status !== 503));
  errorRates.UNEXPECTED.add(!expected.includes(code));
  const now = Date.now() - t0;
  answeredAt.add(now);
  purchaseDuration.add(res.timings.duration);
  if (res.status >= 200 && res.status < 300) {
    admittedDuration.add(res.timings.duration);
    admittedAt.add(now);
  }
  return code;
}

/**
 * Thresholds on unwanted answers, shared by every scenario: a 5xx is never tolerated; the other kinds
 * (unexpected codes, 503, 429) at most `tolerated` as a rate (0: none at all).
 */
export function errorThresholds(tolerated = 0) {
  const bound = tolerated === 0 ? 'rate==0' : `rate<${tolerated}`;
  return {
    errors_unexpected: [bound],
    errors_server: ['rate==0'],
    errors_unavailable: [bound],
    errors_rate_limited: [bound],
  };
}
