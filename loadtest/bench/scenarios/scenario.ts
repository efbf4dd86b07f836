import Redis from 'ioredis';
import { AppConfig } from '@app/config';
import { stockKeys } from '@app/stock';
import { SeckillApi } from '../../../test/support/seckill-api';
import { eventually } from '../../../test/support/eventually';
import { LoadDigest } from '../load-digest';
import { Threshold } from './thresholds';

export interface ScenarioContext {
  config: AppConfig;
  api: SeckillApi;
  redis: Redis;
  runId: string;
  /** a numeric knob (`-e NAME=value`), else its default */
  knob(name: string, fallback: number): number;
}

export interface ScenarioOutcome {
  /** reconciled by the runner once the scenario is done */
  activityIds: number[];
  checks: Threshold[];
  runs: LoadDigest[];
}

export type Scenario = (ctx: ScenarioContext) => Promise<ScenarioOutcome>;

/** Who won, from Redis' buyers hash (the load generator cannot tell which buyer got which answer). */
async function winners(redis: Redis, activityId: number): Promise<{ userId: string; orderId: string }[]> {
  const buyers = await redis.hgetall(stockKeys(activityId).buyers);
  return Object.entries(buyers).map(([userId, orderId]) => ({ userId, orderId }));
}

/** Waits until the order row exists (the order-service wrote it); false if it never does. */
async function orderWritten(api: SeckillApi, orderId: string, userId: string): Promise<boolean> {
  return eventually(
    `order ${orderId} written`,
    async () => (await api.order(orderId, userId)).status === 200,
    {
      timeoutMs: 30_000,
      intervalMs: 100,
    },
  ).then(
    () => true,
    () => false,
  );
}

/**
 * Runs `act` for every winner whose order the order-service wrote, all at once as buyers would (one after
 * the other, the last would pay after their window); resolves to how many orders were written.
 */
export async function eachWrittenWinner(
  api: SeckillApi,
  redis: Redis,
  activityId: number,
  act: (winner: { userId: string; orderId: string }) => Promise<void>,
): Promise<number> {
  let written = 0;
  await Promise.all(
    (await winners(redis, activityId)).map(async (winner) => {
      if (!(await orderWritten(api, winner.orderId, winner.userId))) return;
      written++;
      await act(winner);
    }),
  );
  return written;
}

/** The buyer number at the end of a bench user id (`<runId>-<n>`). */
export const buyerIndex = (userId: string) => Number(userId.slice(userId.lastIndexOf('-') + 1));
