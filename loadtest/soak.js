// Soak — steady load for minutes: RATE new buyers per second (default 200) for DURATION_S seconds
// (default 300), an open model (buyers arrive whether or not earlier ones were answered), and enough stock
// for all of them, so every request is a full purchase (reservation + Kafka). Unpaid orders time out after
// PAY_TIMEOUT seconds (default 30), so cancellations and stock releases run all along too.
// `npm run bench` uses this shape at 80 % of the measured peak for the admitted-latency target.
import exec from 'k6/execution';
import { GATEWAY_URL, RUN_ID, num } from './lib/config.js';
import { buyerToken } from './lib/jwt.js';
import { recordPurchase, errorThresholds } from './lib/metrics.js';
import { buy, createActivity } from './lib/seckill.js';
import { TREND_STATS, summaryHandler } from './lib/summary.js';

const RATE = num('RATE', 200);
const DURATION_S = num('DURATION_S', 300);
const PAY_TIMEOUT = num('PAY_TIMEOUT', 30);

export const options = {
  scenarios: {
    soak: {
      executor: 'constant-arrival-rate',
      rate: RATE,
      timeUnit: '1s',
      duration: `${DURATION_S}s`,
      preAllocatedVUs: Math.max(20, Math.ceil(RATE / 10)),
      maxVUs: Math.max(100, RATE * 2),
    },
  },
  summaryTrendStats: TREND_STATS,
  thresholds: {
    ...errorThresholds(0.001),
    dropped_iterations: [`count<${RATE}`], // k6 ran out of VUs: the target fell behind the arrival rate
    admitted_duration: ['p(99)<500'],
  },
};

export function setup() {
  const stock = Math.ceil(RATE * DURATION_S * 1.05);
  const activityId = createActivity(GATEWAY_URL, {
    name: `soak ${RUN_ID}`,
    stock,
    payTimeoutSeconds: PAY_TIMEOUT,
    openSeconds: DURATION_S + 3600,
  });
  return { activityId, runId: RUN_ID, stock, rate: RATE, durationS: DURATION_S, t0: Date.now() };
}

export default function ({ activityId, t0 }) {
  const token = buyerToken(`soak-${RUN_ID}-${exec.scenario.iterationInTest}`);
  recordPurchase(buy(GATEWAY_URL, activityId, token), ['QUEUED'], t0);
}

export const handleSummary = summaryHandler('soak');
