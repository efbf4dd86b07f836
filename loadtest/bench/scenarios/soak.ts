import { buyerTokens, runWrk } from '../wrk';
import { Scenario } from './scenario';
import { answerThresholds, atLeast } from './thresholds';

/**
 * Soak — RATE new buyers per second (200) for DURATION_S seconds (300), paced (approximately open), with
 * stock for all: every request is a full purchase. Unpaid orders time out after PAY_TIMEOUT s (30), so
 * cancellations and stock releases run all along too.
 */
export const soak: Scenario = async ({ config, api, runId, knob }) => {
  const rate = knob('RATE', 200);
  const durationS = knob('DURATION_S', 300);
  const buyers = Math.round(rate * durationS);
  const activityId = await api.createActivity({
    name: `soak ${runId}`,
    stock: Math.ceil(buyers * 1.05),
    payTimeoutSeconds: knob('PAY_TIMEOUT', 30),
  });
  const run = await runWrk({
    name: 'soak',
    baseUrl: api.gateway,
    path: `/api/seckill/${activityId}`,
    tokens: buyerTokens(runId, buyers, config.JWT_SECRET, durationS + 3_600),
    connections: Math.max(50, Math.ceil(rate / 2)),
    rate,
    maxDurationS: durationS + 120,
  });
  const checks = [
    ...answerThresholds(run, ['QUEUED'], { tolerated: 0.001, p99Ms: 500 }),
    atLeast('the arrival rate was held (req/s)', run.rps, Math.floor(rate * 0.9)),
  ];
  return { activityIds: [activityId], checks, runs: [run] };
};
