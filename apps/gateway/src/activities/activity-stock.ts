import { Activity } from '@app/database';
import { RedisService } from '@app/redis';
import {
  ACTIVE_ACTIVITIES_KEY,
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
 * The activity set is written first, on its own: on a cluster it lives in another slot than the MULTI's
 * keys, and recovery finding an activity with nothing to recover is harmless.
 * A sharded activity (decision 12) first gets each shard's own copy of the meta and its part of the
 * stock (one MULTI per shard: they sit in different slots), then its own meta, which names the shard
 * count: a gateway that sees the activity finds its shards in place.
 */
export async function warmActivity(redis: RedisService, activity: Activity): Promise<void> {
  const k = stockKeys(activity.id);
  const meta = activityMeta(activity);
  await redis.client.sadd(ACTIVE_ACTIVITIES_KEY, activity.id);
  const shards = activity.stockShards ?? 1;
  if (shards > 1) {
    const parts = splitStock(activity.stock, shards);
    const shardKeys = allShardKeys(activity.id, shards);
    for (let i = 0; i < shards; i++) {
      await redis.client.multi().hset(shardKeys[i].meta, meta).set(shardKeys[i].stock, parts[i], 'NX').exec();
    }
  }
  const multi = redis.client.multi().hset(k.meta, shards > 1 ? { ...meta, stockShards: shards } : meta);
  await (shards > 1 ? multi : multi.set(k.stock, activity.stock, 'NX'))
    .publish(SALE_CHANNELS.activity, formatActivityChange(activityChangeOf(activity)))
    .exec();
}
