import { stockKeys } from '@app/stock';
import { setTimeout as sleep } from 'node:timers/promises';
import { eventually } from '../../../test/support/eventually';
import { StartedPayment } from '../../../test/support/seckill-api';
import { buyerTokens, runWrk } from '../wrk';
import { Scenario, buyerIndex, eachWrittenWinner } from './scenario';
import { Threshold, answerThresholds, atLeast, exactly } from './thresholds';

/**
 * Pay mix — BUYERS (400) compete for STOCK items (200) with a PAY_TIMEOUT-second window (15). Of the
 * winners, every payer goes through the payment provider (start the payment at the order-service, complete
 * it at the provider, the signed callback does the rest): 6 in 10 pay at once (their orders PAID), 2 in 10
 * start in time but complete after the window (the cancel won: their money is refunded, once), 2 in 10
 * never pay. The unpaid orders' stock comes back, and a second wave of buyers buys it.
 */
export const payMix: Scenario = async ({ config, api, redis, runId, knob }) => {
  const buyers = knob('BUYERS', 400);
  const stock = knob('STOCK', 200);
  const activityId = await api.createActivity({
    name: `pay-mix ${runId}`,
    stock,
    payTimeoutSeconds: knob('PAY_TIMEOUT', 15),
  });
  const wave = (name: string, prefix: string, n: number) =>
    runWrk({
      name,
      baseUrl: api.gateway,
      path: `/api/seckill/${activityId}`,
      tokens: buyerTokens(prefix, n, config.JWT_SECRET),
      connections: 50,
    });
  const first = await wave('pay-mix', `${runId}-first`, buyers);
  const checks: Threshold[] = [
    ...answerThresholds(first, ['QUEUED', 'SOLD_OUT'], { p95Ms: 2000 }),
    exactly('first wave: items sold', first.outcomes.QUEUED ?? 0, Math.min(stock, buyers)),
  ];
  const late: { orderId: string; userId: string; payment: StartedPayment }[] = [];
  let paid = 0;
  let payers = 0;
  let unpaid = 0;
  let notStarted = 0;
  await eachWrittenWinner(api, redis, activityId, async ({ userId, orderId }) => {
    const kind = buyerIndex(userId) % 10;
    if (kind >= 8) {
      unpaid++;
      return;
    }
    const started = await api.startPayment(orderId, userId);
    if (started.status !== 201) {
      notStarted++;
      return;
    }
    if (kind >= 6) {
      unpaid++;
      late.push({ orderId, userId, payment: started.body });
      return;
    }
    payers++;
    if ((await api.completePayment(started.body)).status !== 200) return;
    const isPaid = await eventually(
      `order ${orderId} PAID by its callback`,
      async () => (await api.order(orderId, userId)).body.status === 'PAID',
      { timeoutMs: 30_000, intervalMs: 100 },
    ).catch(() => false);
    if (isPaid) paid++;
  });
  checks.push(exactly('every payment started at the provider (201)', notStarted, 0));
  checks.push(exactly('paying in time through the provider: the order PAID by its callback', paid, payers));
  const lastPayBy = late.reduce((a, l) => Math.max(a, Date.parse(l.payment.payBy)), 0);
  if (lastPayBy) await sleep(Math.max(0, lastPayBy + 1_000 - Date.now())); // past every window: only the cancel may win
  // The bank says yes to the late ones: the provider takes their money, the shop must give it back.
  await Promise.all(late.map((l) => api.completePayment(l.payment)));
  const refunded = await eventually(
    'every late payment refunded',
    async () => {
      const views = await Promise.all(late.map((l) => api.order(l.orderId, l.userId)));
      const done = views.filter(
        (v) => v.body.status === 'CANCELLED' && v.body.payments?.[0]?.status === 'REFUNDED',
      ).length;
      return done === late.length && done;
    },
    { timeoutMs: 60_000, intervalMs: 250 },
  ).catch(() => 0);
  checks.push(exactly('paying late: the order stays CANCELLED, the payment REFUNDED', refunded, late.length));
  const statement = new Map((await api.statement()).map((line) => [line.id, line]));
  const refundedOnce = late.filter(({ payment }) => {
    const line = statement.get(payment.paymentId);
    return line?.refunds.length === 1 && line.refunds[0].amount === line.capturedAmount;
  }).length;
  checks.push(exactly('late payments refunded once, in full, at the provider', refundedOnce, late.length));
  const released = await eventually(
    'the unpaid orders’ stock back in Redis',
    async () => {
      const left = Number(await redis.get(stockKeys(activityId).stock));
      return left >= unpaid ? left : false;
    },
    { timeoutMs: 60_000, intervalMs: 250 },
  ).catch(() => 0);
  checks.push(atLeast('the unpaid orders’ stock is back', released, unpaid));
  const second = await wave('pay-mix-second', `${runId}-second`, Math.ceil(buyers / 2));
  checks.push(
    ...answerThresholds(second, ['QUEUED', 'SOLD_OUT'], {}),
    atLeast(
      'second wave: the released stock is sold again',
      second.outcomes.QUEUED ?? 0,
      Math.min(unpaid, 1),
    ),
  );
  return { activityIds: [activityId], checks, runs: [first, second] };
};
