import { ActivityEntity } from '@app/database';
import { RedisService } from '@app/redis';
import { ACTIVE_ACTIVITIES_KEY, stockKeys } from '@app/stock';
import { RISK_CHANNELS, formatActivityChange } from '../risk/risk-channels';

/**
 * Warm-up: copies what the reservation script needs into Redis, so a purchase never reads PostgreSQL.
 * The stock is set only if absent: warming twice must never refill a sale in progress.
 * Every gateway instance learns the new window at once (activity channel, in the same MULTI).
 */
export async function warmActivity(redis: RedisService, activity: ActivityEntity): Promise<void> {
  const k = stockKeys(activity.id);
  const window = { startsAt: activity.startsAt.getTime(), endsAt: activity.endsAt.getTime() };
  const defences = activity.purchaseToken
    ? { purchaseToken: true, challengeBits: activity.challengeBits }
    : {};
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
    .sadd(ACTIVE_ACTIVITIES_KEY, activity.id)
    .publish(RISK_CHANNELS.activity, formatActivityChange({ id: activity.id, ...window, ...defences }))
    .exec();
}
