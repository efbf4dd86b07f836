import { RedisClient } from '@app/redis';
import { activityChangeOf, activityMeta } from './activity-meta';
import { RESERVATION_STATES, isLive, parseReservation } from './reservation';
import type { LedgerActivity, LedgerOrder } from './stock-rebuild';
import { StockKeys, stockKeys, allShardKeys, shardOf, splitStock } from './stock-shards';
import { SALE_CHANNELS, formatActivityChange } from './sale-channels';
import { STOCK_SCRIPTS } from './stock-scripts';

/** Orders per call of rebuild-records.lua: each call blocks Redis for the time it takes. */
const SLICE = 2_000;

/**
 * Writes the ledger's orders back into Redis (records, buyers), then the meta and remaining stock; returns
 * {remaining, held, inFlight}. Each order goes to its buyer's home shard. Sharded, the remaining stock
 * (stock − every unit held, over all shards) is split over the shards: each gets a budget = what it holds
 * plus its share, and sets its stock from the budget in one step with its own count, so a purchase that
 * lands in between is still paid for and the total stays exact.
 */
export async function restoreShards(
  redis: RedisClient,
  activityId: number,
  activity: LedgerActivity,
  orders: LedgerOrder[],
): Promise<[number, number, number]> {
  const shards = activity.stockShards;
  const keys = allShardKeys(activityId, shards);
  for (let shard = 0; shard < keys.length; shard++) {
    const own = shards > 1 ? orders.filter((o) => shardOf(o.userId, shards) === shard) : orders;
    for (let i = 0; i < own.length; i += SLICE) {
      const args = own
        .slice(i, i + SLICE)
        .flatMap((o) => [o.id, o.userId, o.quantity, o.live ? 1 : 0, o.createdAt.getTime()]);
      await STOCK_SCRIPTS.rebuildRecords.run(redis, [keys[shard].reservations, keys[shard].buyers], args);
    }
  }
  // The meta as the warm-up wrote it (activityMeta), plus the rebuild count.
  const meta = { ...activityMeta(activity), rebuilds: activity.rebuilds };
  const pairs = Object.entries(meta).flat();
  if (shards <= 1) {
    const k = keys[0];
    return (await STOCK_SCRIPTS.rebuildStock.run(
      redis,
      [k.meta, k.stock, k.reservations],
      [activityId, activity.stock, 0, ...pairs],
    )) as [number, number, number];
  }
  const now = await Promise.all(keys.map((k) => heldBy(redis, k)));
  const left = activity.stock - now.reduce((sum, n) => sum + n.held, 0);
  // More held than the stock: the shortfall is split over the shards' requests in flight (it is theirs to
  // end FAILED or undone), each shard's part its stockDebt (rebuild-stock.lua), paid by its own returns.
  const shares =
    left >= 0
      ? splitStock(left, shards)
      : owed(
          -left,
          now.map((n) => n.inFlight),
        ).map((debt) => -debt);
  const total: [number, number, number] = [0, 0, 0];
  for (let shard = 0; shard < shards; shard++) {
    const k = keys[shard];
    const out = (await STOCK_SCRIPTS.rebuildStock.run(
      redis,
      [k.meta, k.stock, k.reservations, k.transfersOut, k.transfersIn],
      [activityId, now[shard].held + shares[shard], 1, ...pairs],
    )) as number[];
    out.forEach((n, i) => (total[i] += n));
  }
  // The activity's own meta last: it says the activity exists, with its shards, once they are in place.
  await redis.hset(stockKeys(activityId).meta, { ...meta, stockShards: shards });
  await redis.publish(SALE_CHANNELS.stock, `${activityId}:${total[0]}`);
  await redis.publish(SALE_CHANNELS.activity, formatActivityChange(activityChangeOf(activity)));
  return total;
}

/** Units held by a shard's records (O, R, T), as rebuild-stock.lua counts them, and those of R and T. */
async function heldBy(redis: RedisClient, k: StockKeys): Promise<{ held: number; inFlight: number }> {
  const records = Object.entries(await redis.hgetall(k.reservations));
  const live = records.map(([id, record]) => parseReservation(id, record)).filter((r) => isLive(r.state));
  const units = (rs: typeof live) => rs.reduce((sum, r) => sum + r.quantity, 0);
  return { held: units(live), inFlight: units(live.filter((r) => r.state !== RESERVATION_STATES.ORDERED)) };
}

/** A shortfall split over the shards, none owing more than its units in flight (in shard order). */
function owed(shortfall: number, inFlight: number[]): number[] {
  let rest = shortfall;
  return inFlight.map((units) => {
    const part = Math.min(rest, units);
    rest -= part;
    return part;
  });
}
