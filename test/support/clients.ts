import { DataSource } from 'typeorm';
import { loadConfig } from '@app/config';
import { createDataSource } from '@app/database';
import { RedisClient, createRedisClient } from '@app/redis';
import {
  Reservation,
  StockKeys,
  allShardKeys,
  buyerKeys,
  parseReservation,
  readRemaining,
  readShards,
} from '@app/stock';
import { checkInvariants } from '@app/reconcile';
import { eventually } from './eventually';

/** Direct Redis and PostgreSQL connections for assertions (the services under test have their own). */
export class TestClients {
  private constructor(
    readonly redis: RedisClient,
    readonly db: DataSource,
  ) {}

  static async connect(): Promise<TestClients> {
    const config = loadConfig();
    return new TestClients(createRedisClient(config), await createDataSource(config).initialize());
  }

  async close(): Promise<void> {
    this.redis.disconnect();
    await this.db.destroy();
  }

  async orders(
    activityId: number,
  ): Promise<{ id: string; user_id: string; status: string; quantity: number }[]> {
    return this.db.query('SELECT id, user_id, status, quantity FROM orders WHERE activity_id = $1', [
      activityId,
    ]);
  }

  /** The activity's keys, or its stock shards' when it has several. */
  async shardKeys(activityId: number): Promise<StockKeys[]> {
    return allShardKeys(activityId, (await readShards(this.redis, activityId)) ?? 1);
  }

  /** Remaining stock, summed over the activity's stock shards. */
  async remaining(activityId: number): Promise<number> {
    const shards = (await readShards(this.redis, activityId)) ?? 1;
    return Number(await readRemaining(this.redis, activityId, shards));
  }

  async reservation(activityId: number, orderId: string): Promise<Reservation | null> {
    for (const k of await this.shardKeys(activityId)) {
      const record = await this.redis.hget(k.reservations, orderId);
      if (record !== null) return parseReservation(orderId, record);
    }
    return null;
  }

  async reservationsIn(activityId: number, state: string): Promise<number> {
    let count = 0;
    for (const k of await this.shardKeys(activityId)) {
      count += (await this.redis.hvals(k.reservations)).filter((r) => r.startsWith(`${state}|`)).length;
    }
    return count;
  }

  /**
   * Blocks every INSERT into `orders` (reads still work) until the returned function is called:
   * the order-service then stops in the middle of a batch, its reservations taken but not yet written.
   */
  async holdOrderWrites(): Promise<() => Promise<void>> {
    const runner = this.db.createQueryRunner();
    await runner.connect();
    await runner.startTransaction();
    await runner.query('LOCK TABLE orders IN EXCLUSIVE MODE');
    return async () => {
      await runner.rollbackTransaction();
      await runner.release();
    };
  }

  /** The buyer's latest order id, straight from Redis (for a buyer who never got an answer). */
  async buyerOrderId(activityId: number, userId: string): Promise<string | null> {
    const shards = (await readShards(this.redis, activityId)) ?? 1;
    return this.redis.hget(buyerKeys(activityId, userId, shards).buyers, userId);
  }

  expectReconciled(activityId: number, timeoutMs?: number): Promise<void> {
    return expectReconciled(this.redis, this.db, activityId, timeoutMs);
  }
}

/** Waits until the activity is quiet and every invariant of the brief holds (what `npm run reconcile` checks). */
export async function expectReconciled(
  redis: RedisClient,
  db: DataSource,
  activityId: number,
  timeoutMs = 30_000,
): Promise<void> {
  await eventually(
    async () => {
      const report = await checkInvariants({ redis, db, activityId });
      const failed = report.checks.filter((c) => !c.ok);
      if (failed.length > 0)
        throw new Error(`reconcile of activity ${activityId} failed: ${JSON.stringify(failed)}`);
    },
    { timeoutMs, intervalMs: 200 },
  );
}

/** Deletes every key of these activities: each carries the activity's hash tag, stock and risk keys alike. */
export async function dropActivityKeys(redis: RedisClient, ids: number[]): Promise<void> {
  for (const id of ids) {
    const keys = await redis.keys(`seckill:{${id}}:*`);
    if (keys.length > 0) await redis.del(...keys);
  }
}

export const range = (n: number) => Array.from({ length: n }, (_, i) => i);
