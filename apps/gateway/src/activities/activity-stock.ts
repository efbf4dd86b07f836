import { Activity } from '@app/database';
import { RedisClient } from '@app/redis';
import {
  SALE_CHANNELS,
  activityChangeOf,
  activityMeta,
  allShardKeys,
  formatActivityChange,
  splitStock,
  stockKeys,
} from '@app/stock';

/**
 * Warm-up: copies what the reservation script and the gateways need into Redis (activityMeta, the same
 * fields a rebuild from the ledger writes back), so a purchase never reads PostgreSQL.
 * The stock is set only if absent: warming twice must never refill a sale in progress.
 * Every gateway instance learns the new window at once (activity channel, in the same MULTI), with its
 * defences and waiting room, which are set at creation only.
 * A sharded activity (decision 12) first gets each shard's own copy of the meta and its part of the
 * stock (one MULTI per shard: they sit in different slots), then its own meta, which names the shard
 * count: a gateway that sees the activity finds its shards in place.
 * Recovery hears of the activity only when a gateway first reserves in it (selling-activities.ts): an
 * activity nobody buys costs it nothing.
 */
export async function warmActivity(redis: RedisClient, activity: Activity): Promise<void> {
  const k = stockKeys(activity.id);
  const meta = activityMeta(activity);
  const shards = activity.stockShards ?? 1;
  if (shards > 1) {
    const parts = splitStock(activity.stock, shards);
    const shardKeys = allShardKeys(activity.id, shards);
    for (let i = 0; i < shards; i++) {
      await redis.multi().hset(shardKeys[i].meta, meta).set(shardKeys[i].stock, parts[i], 'NX').exec();
    }
  }
  const multi = redis.multi().hset(k.meta, shards > 1 ? { ...meta, stockShards: shards } : meta);
  await (shards > 1 ? multi : multi.set(k.stock, activity.stock, 'NX'))
    .publish(SALE_CHANNELS.activity, formatActivityChange(activityChangeOf(activity)))
    .exec();
}
