// Smoke (CI, seconds): a tiny sale end to end — 60 buyers for 20 items, one greedy buyer, one bad token;
// winners with an even number pay, the others leave their order to time out. Proves the scripts still
// match the API; the runner then reconciles the activity (no oversell, nothing lost, pay xor cancel).
import exec from 'k6/execution';
import { check } from 'k6';
import { GATEWAY_URL, RUN_ID } from './lib/config.js';
import { buyerToken } from './lib/jwt.js';
import { recordPurchase, errorThresholds } from './lib/metrics.js';
import { buy, createActivity, pay, readOrder, waitForOrder } from './lib/seckill.js';
import { TREND_STATS, summaryHandler } from './lib/summary.js';

const BUYERS = 60;
const STOCK = 20;
const EXPECTED = ['QUEUED', 'SOLD_OUT', 'ALREADY_PURCHASED'];

export const options = {
  scenarios: { smoke: { executor: 'shared-iterations', vus: 10, iterations: BUYERS, maxDuration: '60s' } },
  summaryTrendStats: TREND_STATS,
  thresholds: {
    ...errorThresholds(),
    outcome_QUEUED: [`count==${STOCK}`], // every item sold, none twice
    checks: ['rate==1'],
    purchase_duration: ['p(95)<1000'], // generous: CI machines are small and shared
  },
};

export function setup() {
  // A short pay window, so the unpaid half is cancelled (and its stock released) before reconcile.
  const activityId = createActivity(GATEWAY_URL, {
    name: `smoke ${RUN_ID}`,
    stock: STOCK,
    payTimeoutSeconds: 3,
  });
  return { activityId, runId: RUN_ID, t0: Date.now() };
}

export default function ({ activityId, t0 }) {
  const n = exec.scenario.iterationInTest;
  const token = buyerToken(`smoke-${RUN_ID}-${n}`);
  const res = buy(GATEWAY_URL, activityId, token);
  const outcome = recordPurchase(res, EXPECTED, t0);
  if (n === 0) {
    check(buy(GATEWAY_URL, activityId, 'not-a-jwt'), { 'a bad token is 401': (r) => r.status === 401 });
  }
  if (outcome !== 'QUEUED') return;
  // The greedy buyer: a second purchase while holding a live order is refused (or, once the stock is
  // gone, answered SOLD_OUT by the gateway's in-process flag before Redis is asked).
  recordPurchase(buy(GATEWAY_URL, activityId, token), ['ALREADY_PURCHASED', 'SOLD_OUT'], t0);

  const orderId = waitForOrder(GATEWAY_URL, activityId, token);
  check(orderId, { 'the order is written': (id) => id === res.json('orderId') });
  if (!orderId || n % 2 === 1) return; // odd buyers never pay: the timeout cancels their order
  check(pay(orderId, token), { 'paying in time is 200': (r) => r.status === 200 });
  check(readOrder(orderId, token), { 'the order reads PAID': (r) => r.json('status') === 'PAID' });
}

export const handleSummary = summaryHandler('smoke');
