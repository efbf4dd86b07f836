import { buyerTokens, runWrk } from '../wrk';
import { Scenario, buyerIndex, eachWrittenWinner } from './scenario';
import { answerThresholds, exactly } from './thresholds';

const BUYERS = 60;
const STOCK = 20;

/**
 * Smoke (CI, seconds): a tiny sale end to end — 60 buyers for 20 items, a greedy buyer (buyer 0 again, at
 * the end), a bad token; winners with an even number pay, the others leave their order to time out (5 s).
 */
export const smoke: Scenario = async ({ config, api, redis, runId }) => {
  const activityId = await api.createActivity({ name: `smoke ${runId}`, stock: STOCK, payTimeoutSeconds: 5 });
  const tokens = buyerTokens(runId, BUYERS, config.JWT_SECRET);
  const run = await runWrk({
    name: 'smoke',
    baseUrl: api.gateway,
    path: `/api/seckill/${activityId}`,
    tokens: [...tokens, tokens[0], 'not-a-jwt'],
    connections: 10,
    maxDurationS: 60,
  });
  const o = run.outcomes;
  const checks = [
    ...answerThresholds(run, ['QUEUED', 'SOLD_OUT', 'ALREADY_PURCHASED', 'UNAUTHORIZED'], { p95Ms: 1000 }),
    exactly('every item sold, none twice (QUEUED)', o.QUEUED ?? 0, STOCK),
    exactly('the bad token is 401', o.UNAUTHORIZED ?? 0, 1),
    exactly(
      'the greedy buyer is refused',
      (o.ALREADY_PURCHASED ?? 0) + (o.SOLD_OUT ?? 0),
      BUYERS + 1 - STOCK,
    ),
  ];
  let paid = 0;
  let payers = 0;
  const written = await eachWrittenWinner(api, redis, activityId, async ({ userId, orderId }) => {
    if (buyerIndex(userId) % 2 === 1) return; // odd buyers never pay: the timeout cancels their order
    payers++;
    const reply = await api.pay(orderId, userId);
    if (reply.status === 200 && (await api.order(orderId, userId)).body.status === 'PAID') paid++;
  });
  checks.push(
    exactly('every order is written', written, STOCK),
    exactly('paying in time is 200, then PAID', paid, payers),
  );
  return { activityIds: [activityId], checks, runs: [run] };
};
