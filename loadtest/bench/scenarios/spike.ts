import { buyerTokens, runWrk } from '../wrk';
import { Scenario } from './scenario';
import { answerThresholds, exactly } from './thresholds';

/** Spike — the flash sale: BUYERS distinct buyers (5,000) for STOCK items (500) over CONNECTIONS (200). */
export const spike: Scenario = async ({ config, api, runId, knob }) => {
  const buyers = knob('BUYERS', 5_000);
  const stock = knob('STOCK', 500);
  const activityId = await api.createActivity({ name: `spike ${runId}`, stock });
  const run = await runWrk({
    name: 'spike',
    baseUrl: api.gateway,
    path: `/api/seckill/${activityId}`,
    tokens: buyerTokens(runId, buyers, config.JWT_SECRET),
    connections: knob('CONNECTIONS', 200),
  });
  const checks = [
    // p99 includes the first request of each new connection to a saturated gateway: p95 is the bound
    ...answerThresholds(run, ['QUEUED', 'SOLD_OUT'], { tolerated: 0.001, p95Ms: 2000 }),
    exactly('items sold (QUEUED)', run.outcomes.QUEUED ?? 0, Math.min(stock, buyers)),
  ];
  return { activityIds: [activityId], checks, runs: [run] };
};
