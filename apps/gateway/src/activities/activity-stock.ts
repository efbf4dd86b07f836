import { ActivityEntity } from '@app/database';
import { RedisService } from '@app/redis';
import { ACTIVE_ACTIVITIES_KEY, stockKeys } from '@app/stock';
import { SALE_CHANNELS, formatActivityChange } from '@app/stock';

/**
 * Warm-up: copies what the reservation script needs into Redis, so a purchase never reads PostgreSQL.
 * The stock is set only if absent: warming twice must never refill a sale in progress.
 * Every gateway instance learns the new window at once (activity channel, in the same MULTI).
 * The activity set is written first, on its own: on a cluster it lives in another slot than the MULTI's
 * keys, and recovery finding an activity with nothing to recover is harmless.
 */
export async function warmActivity(redis: RedisService, activity: ActivityEntity): Promise<void> {
  const k = stockKeys(activity.id);
  const window = { startsAt: activity.startsAt.getTime(), endsAt: activity.endsAt.getTime() };
  const defences = activity.purchaseToken
    ? { purchaseToken: true, challengeBits: activity.challengeBits }
    : {};
  await redis.client.sadd(ACTIVE_ACTIVITIES_KEY, activity.id);
  await redis.client
    .multi()
    .hset(k.meta, {
      ...window,
      perUserLimit: activity.perUserLimit,
      payTimeoutSeconds: activity.payTimeoutSeconds,
      stock: activity.stock,
      purchaseToken: activity.purchaseToken ? 1 : 0,
      challengeBits: activity.challengeBits,
    })
    .set(k.stock, activity.stock, 'NX')
    .publish(SALE_CHANNELS.activity, formatActivityChange({ id: activity.id, ...window, ...defences }))
    .exec();
}
