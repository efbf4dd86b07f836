import type { RedisClient } from '@app/redis';
import { Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import { AppConfig } from '@app/config';
import { Narrator } from './support/narrator';
import { ActivityInput, SeckillApi } from '../../test/support/seckill-api';
import { reconcile } from './support/reconcile';

/** What a scenario may use: the running stack's API, and direct connections to look behind it. */
export interface ScenarioContext {
  config: AppConfig;
  api: SeckillApi;
  redis: RedisClient;
  db: DataSource;
  kafka: Kafka;
  out: Narrator;
}

/**
 * One interview claim, demonstrated against the running stack. `run` narrates through `out` and
 * records each assertion there; a thrown error (e.g. something never happened) fails it too.
 */
export interface Scenario {
  name: string;
  /** the claim, in one line (shown in the list and as the scenario's heading) */
  claim: string;
  /** `cluster`: runs on `npm run stack:up -- --cluster` (INFRA_PROFILE=cluster) instead, and not in `all` */
  profile?: 'cluster';
  run(ctx: ScenarioContext): Promise<void>;
}

/** A scenario about one activity of its own (most are): what it sells, and what it does with it. */
export interface OneActivityScenario<A extends ActivityInput> extends Omit<Scenario, 'run'> {
  /** the activity, named after the scenario unless it says; a function when it depends on the time it starts */
  activity: A | (() => A);
  run(ctx: ScenarioContext, activityId: number, activity: A): Promise<void>;
}

/** Creates the activity before `run`, and judges it after with reconcile (the invariants, once quiet). */
export function onOneActivity<A extends ActivityInput>({
  activity,
  run,
  ...scenario
}: OneActivityScenario<A>): Scenario {
  return {
    ...scenario,
    async run(ctx) {
      const input = { name: scenario.name, ...(typeof activity === 'function' ? activity() : activity) };
      const activityId = await ctx.api.createActivity(input);
      await run(ctx, activityId, input);
      await reconcile(ctx, activityId);
    },
  };
}
