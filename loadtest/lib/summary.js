/* global __ENV */
// The end of every run: a digest of k6's summary as JSON (read by the bench) and as a readable report.
import { SUMMARY_DIR } from './config.js';
import { OUTCOMES } from './metrics.js';

// A 1 % percentile grid: for `admitted_at` (arrival times of admissions) the p-th percentile is the moment
// p % of all admissions had arrived, i.e. k6's summary, which keeps no timeline, still yields the curve.
const GRID = Array.from({ length: 99 }, (_, i) => `p(${i + 1})`);
export const TREND_STATS = ['avg', 'min', 'med', 'max', 'count', ...GRID];

const round = (x, digits = 1) => (x === undefined ? undefined : Number(x.toFixed(digits)));

function latency(values) {
  if (!values || !values.count) return undefined;
  const pick = ['p(50)', 'p(95)', 'p(99)', 'max'].map((k) => round(values[k], 2));
  return { p50: pick[0], p95: pick[1], p99: pick[2], max: pick[3] };
}

/** Cumulative admissions over time: [ms since setup, admissions so far]. */
function admissionsCurve(values) {
  if (!values || !values.count) return [];
  return [
    [values.min, 1],
    ...GRID.map((p, i) => [values[p], (values.count * (i + 1)) / 100]),
    [values.max, values.count],
  ].map(([t, n]) => [round(t, 0), Math.round(n)]);
}

export function digest(scenario, data) {
  const values = (name) => (data.metrics[name] ? data.metrics[name].values : undefined);
  const outcomes = {};
  for (const code of OUTCOMES)
    if (values(`outcome_${code}`)) outcomes[code] = values(`outcome_${code}`).count;
  const purchases = Object.values(outcomes).reduce((a, b) => a + b, 0);
  const answered = values('answered_at');
  const admitted = values('admitted_at');
  const windowS = answered ? answered.max / 1000 : data.state.testRunDurationMs / 1000;
  const thresholds = {};
  for (const [name, metric] of Object.entries(data.metrics)) {
    for (const [expr, result] of Object.entries(metric.thresholds || {}))
      thresholds[`${name} ${expr}`] = result.ok;
  }
  const errorRates = {};
  for (const kind of ['rate_limited', 'blocked', 'unavailable', 'server', 'unexpected']) {
    if (values(`errors_${kind}`)) errorRates[kind.toUpperCase()] = round(values(`errors_${kind}`).rate, 5);
  }
  const checks = values('checks');
  return {
    scenario,
    target: __ENV.TARGET || 'gateway',
    setup: data.setup_data || {},
    purchases,
    windowS: round(windowS, 3),
    rps: round(purchases / windowS),
    droppedIterations: values('dropped_iterations') ? values('dropped_iterations').count : 0,
    latencyMs: {
      purchase: latency(values('purchase_duration')),
      admitted: latency(values('admitted_duration')),
    },
    outcomes,
    successes: admitted
      ? {
          count: admitted.count,
          lastS: round(admitted.max / 1000, 3),
          perSecond: round(admitted.count / (admitted.max / 1000)),
        }
      : { count: 0 },
    admissions: admissionsCurve(admitted),
    errorRates,
    checks: checks ? { passed: checks.passes, failed: checks.fails } : undefined,
    thresholds,
  };
}

const pct = (n, total) => `${((100 * n) / Math.max(total, 1)).toFixed(1)} %`;
const ms = (l) => (l ? `p50 ${l.p50}  p95 ${l.p95}  p99 ${l.p99}  max ${l.max}` : '—');

export function report(s) {
  const lines = [
    `seckill load test — ${s.scenario} (target ${s.target}, run ${s.setup.runId || '?'}, activity ${s.setup.activityId || '—'})`,
    `purchases   ${s.purchases} answered within ${s.windowS} s → ${s.rps} req/s (dropped iterations: ${s.droppedIterations})`,
    `latency ms  all ${ms(s.latencyMs.purchase)}`,
    `            admitted ${ms(s.latencyMs.admitted)}`,
    `outcomes    ${
      Object.entries(s.outcomes)
        .map(([c, n]) => `${c} ${n} (${pct(n, s.purchases)})`)
        .join('  ') || '—'
    }`,
    `successes   ${s.successes.count}${s.successes.count ? ` within ${s.successes.lastS} s → ${s.successes.perSecond} /s` : ''}`,
    `error rates ${Object.entries(s.errorRates)
      .map(([c, r]) => `${c} ${(100 * r).toFixed(2)} %`)
      .join('  ')}`,
  ];
  if (s.checks) lines.push(`checks      ${s.checks.passed} passed, ${s.checks.failed} failed`);
  const failed = Object.entries(s.thresholds).filter(([, ok]) => !ok);
  lines.push(
    `thresholds  ${Object.keys(s.thresholds).length - failed.length} passed, ${failed.length} failed` +
      failed.map(([t]) => `\n  ✗ ${t}`).join(''),
  );
  return `${lines.join('\n')}\n`;
}

/** handleSummary for a scenario: JSON + report under SUMMARY_DIR, and the report on stdout. */
export function summaryHandler(scenario) {
  return (data) => {
    const name = __ENV.SUMMARY_NAME || scenario;
    const s = digest(scenario, data);
    const text = report(s);
    return {
      stdout: text,
      [`${SUMMARY_DIR}/${name}-summary.json`]: JSON.stringify({ summary: s, metrics: data.metrics }, null, 1),
      [`${SUMMARY_DIR}/${name}-report.txt`]: text,
    };
  };
}
