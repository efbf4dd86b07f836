// Pay mix — buyers who pay, who pay late, who never pay. BUYERS (default 400) compete for STOCK items
// (default 200) with a PAY_TIMEOUT-second window (default 5). Of the winners, 6 in 10 pay at once (200),
// 2 in 10 pay after the window (409 ORDER_NOT_PAYABLE: the cancel won), 2 in 10 never pay. The stock of
// the unpaid orders is released, and a second wave of buyers must be able to buy it (the compensation).
import exec from 'k6/execution';
import { check, sleep } from 'k6';
import { Rate } from 'k6/metrics';
import { GATEWAY_URL, RUN_ID, num } from './lib/config.js';
import { buyerToken } from './lib/jwt.js';
import { recordPurchase, errorThresholds } from './lib/metrics.js';
import { buy, createActivity, pay, readOrder, waitForOrder } from './lib/seckill.js';
import { TREND_STATS, summaryHandler } from './lib/summary.js';

const BUYERS = num('BUYERS', 400);
const STOCK = num('STOCK', 200);
const PAY_TIMEOUT = num('PAY_TIMEOUT', 5);
const paidInTime = new Rate('pay_in_time_ok');
const lateRefused = new Rate('pay_late_refused');

export const options = {
  scenarios: {
    first_wave: { executor: 'shared-iterations', vus: 50, iterations: BUYERS, maxDuration: '90s' },
    // Starts once the first wave's unpaid orders are past their window and cancelled.
    second_wave: {
      executor: 'shared-iterations',
      vus: 20,
      iterations: Math.ceil(BUYERS / 2),
      startTime: `${PAY_TIMEOUT + 10}s`,
      maxDuration: '60s',
    },
  },
  summaryTrendStats: TREND_STATS,
  thresholds: {
    ...errorThresholds(),
    pay_in_time_ok: ['rate==1'],
    pay_late_refused: ['rate==1'],
    'outcome_QUEUED{scenario:second_wave}': ['count>0'], // released stock is sold again
    checks: ['rate==1'],
    purchase_duration: ['p(95)<1000'],
  },
};

export function setup() {
  const activityId = createActivity(GATEWAY_URL, {
    name: `pay-mix ${RUN_ID}`,
    stock: STOCK,
    payTimeoutSeconds: PAY_TIMEOUT,
  });
  return { activityId, runId: RUN_ID, stock: STOCK, t0: Date.now() };
}

export default function ({ activityId, t0 }) {
  const wave = exec.scenario.name;
  const n = exec.scenario.iterationInTest;
  const token = buyerToken(`paymix-${RUN_ID}-${wave}-${n}`);
  if (recordPurchase(buy(GATEWAY_URL, activityId, token), ['QUEUED', 'SOLD_OUT'], t0) !== 'QUEUED') return;

  const orderId = waitForOrder(GATEWAY_URL, activityId, token);
  check(orderId, { 'the order is written': (id) => Boolean(id) });
  if (!orderId || wave === 'second_wave') return; // the second wave only proves the stock came back
  const kind = n % 10;
  if (kind < 6) {
    const res = pay(orderId, token);
    paidInTime.add(res.status === 200);
    check(readOrder(orderId, token), { 'a paid order reads PAID': (r) => r.json('status') === 'PAID' });
  } else if (kind < 8) {
    sleep(PAY_TIMEOUT + 1); // past expires_at: only the cancel may win now
    const res = pay(orderId, token);
    lateRefused.add(res.status === 409 && res.json('code') === 'ORDER_NOT_PAYABLE');
  } // else: never pays; the timeout cancels the order and releases its stock
}

export const handleSummary = summaryHandler('pay-mix');
