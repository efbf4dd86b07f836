import type { RedisClient } from '@app/redis';
import { Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import { AppConfig } from '@app/config';
import { Narrator } from './support/narrator';
import { SeckillApi } from '../../test/support/seckill-api';

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
