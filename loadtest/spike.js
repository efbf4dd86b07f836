/* global __ENV */
// Spike — the flash sale: BUYERS distinct buyers (default 5000) for STOCK items (default 500), sent by VUS
// connections (default 300) as fast as the target answers, each buyer one purchase. Closed model on
// purpose: the throughput it reaches is the target's ceiling, so `npm run bench` runs this same shape
// against TARGET=gateway (the purchase path), naive (loadtest/baselines/naive-server.js) and bare
// (loadtest/baselines/bare-server.js, a node:http 200) and compares them.
import exec from 'k6/execution';
import { GATEWAY_URL, RUN_ID, num, str } from './lib/config.js';
import { buyerToken } from './lib/jwt.js';
import { recordPurchase, errorThresholds } from './lib/metrics.js';
import { buy, createActivity } from './lib/seckill.js';
import { TREND_STATS, summaryHandler } from './lib/summary.js';

const TARGET = str('TARGET', 'gateway');
const BASE_URL = str('BASE_URL', GATEWAY_URL);
const BUYERS = num('BUYERS', 5000);
const STOCK = num('STOCK', 500);
const EXPECTED = { gateway: ['QUEUED', 'SOLD_OUT'], naive: ['CREATED', 'SOLD_OUT'], bare: ['OK'] }[TARGET];
if (!EXPECTED) throw new Error(`TARGET must be gateway, naive or bare, got "${TARGET}"`);

export const options = {
  scenarios: {
    spike: {
      executor: 'shared-iterations',
      vus: num('VUS', 200),
      iterations: BUYERS,
      maxDuration: str('MAX_DURATION', '120s'),
    },
  },
  summaryTrendStats: TREND_STATS,
  // Latency bounds are loose (a shared 2-core machine); errors are not. `npm run bench` reports, it
  // does not judge, and runs with --no-thresholds.
  thresholds: {
    ...errorThresholds(0.001),
    ...(TARGET === 'bare' ? {} : { [`outcome_${EXPECTED[0]}`]: [`count==${Math.min(STOCK, BUYERS)}`] }),
    purchase_duration: ['p(95)<2000'], // p99 includes first requests on new connections: see docs/benchmarks.md
  },
};

export function setup() {
  const activityId =
    TARGET === 'bare' ? 0 : createActivity(BASE_URL, { name: `spike ${RUN_ID}`, stock: STOCK });
  return { activityId, runId: RUN_ID, stock: STOCK, buyers: BUYERS, target: TARGET, t0: Date.now() };
}

export default function ({ activityId, t0 }) {
  const token = buyerToken(`spike-${RUN_ID}-${exec.scenario.iterationInTest}`);
  recordPurchase(buy(BASE_URL, activityId, token), EXPECTED, t0);
}

export const handleSummary = summaryHandler(`spike${__ENV.TARGET ? `-${__ENV.TARGET}` : ''}`);
