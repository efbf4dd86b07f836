import { stockKeys } from '@app/stock';
import { setTimeout as sleep } from 'node:timers/promises';
import { eventually } from '../../../test/support/eventually';
import { buyerTokens, runWrk } from '../wrk';
import { Scenario, buyerIndex, orderWritten, winners } from './scenario';
import { Threshold, answerThresholds, atLeast, exactly } from './thresholds';

/**
 * Pay mix — BUYERS (400) compete for STOCK items (200) with a PAY_TIMEOUT-second window (15). Of the
 * winners, 6 in 10 pay at once (200), 2 in 10 pay after the window (409 ORDER_NOT_PAYABLE: the cancel
 * won), 2 in 10 never pay. The unpaid orders' stock comes back, and a second wave of buyers buys it.
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
  const late: { orderId: string; userId: string; expiresAt: number }[] = [];
  let paid = 0;
  let payers = 0;
  let unpaid = 0;
  // All at once, as buyers would: one after the other, the last would pay after their window.
  await Promise.all(
    (await winners(redis, activityId)).map(async ({ userId, orderId }) => {
      if (!(await orderWritten(api, orderId, userId))) return;
      const kind = buyerIndex(userId) % 10;
      if (kind < 6) {
        payers++;
        const reply = await api.pay(orderId, userId);
        if (reply.status === 200 && (await api.order(orderId, userId)).body.status === 'PAID') paid++;
        return;
      }
      unpaid++;
      if (kind < 8)
        late.push({
          orderId,
          userId,
          expiresAt: Date.parse((await api.order(orderId, userId)).body.expiresAt),
        });
    }),
  );
  checks.push(exactly('paying in time is 200, then PAID', paid, payers));
  const lastExpiry = late.reduce((a, l) => Math.max(a, l.expiresAt), 0);
  if (lastExpiry) await sleep(Math.max(0, lastExpiry + 1_000 - Date.now())); // past every window: only the cancel may win
  let refused = 0;
  for (const { orderId, userId } of late) {
    const reply = await api.pay(orderId, userId);
    if (reply.status === 409 && reply.body.code === 'ORDER_NOT_PAYABLE') refused++;
  }
  checks.push(exactly('paying late is 409 ORDER_NOT_PAYABLE', refused, late.length));
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
