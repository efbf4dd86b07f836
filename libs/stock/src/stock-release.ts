import { RedisClient } from '@app/redis';
import { ReservationState } from './reservation';
import { stockKeys } from './stock-keys';
import { allShardKeys, shardKeys, shardOf } from './stock-shards';
import { STOCK_SCRIPTS } from './stock-scripts';

const RELEASE_SLICE = 1_000;

/** A reservation as its callers know it: its order id, and its buyer, whose home shard holds it. */
export interface ReservationRef {
  orderId: string;
  userId: string;
}

/** What releasing one reservation did: gave its stock back now, or found it in another state. */
export interface Released {
  orderId: string;
  released: boolean;
  found: ReservationState | '';
}

/** The activity's number of stock shards as its Redis meta says (null: not in Redis). */
export async function readShards(redis: RedisClient, activityId: number): Promise<number | null> {
  const [exists, shards] = await Promise.all([
    redis.exists(stockKeys(activityId).meta),
    redis.hget(stockKeys(activityId).meta, 'stockShards'),
  ]);
  return exists === 0 ? null : Number(shards ?? 1);
}

/** Remaining stock, summed over the shards (null when Redis holds none of it). */
export async function readRemaining(
  redis: RedisClient,
  activityId: number,
  shards: number,
): Promise<number | null> {
  const values = await Promise.all(allShardKeys(activityId, shards).map((k) => redis.get(k.stock)));
  if (values.every((v) => v === null)) return null;
  return values.reduce((sum, v) => sum + Number(v ?? 0), 0);
}

/**
 * release.lua over many reservations of one activity: gives each one's stock back if it is in one of
 * `from`; per reservation, in order, whether this call did and the state it found. One call per shard
 * (per slice), each in the shard of the reservations' buyers. (A plain function too: the rebuild runs it
 * on its own connection.)
 */
export async function releaseReservations(
  redis: RedisClient,
  activityId: number,
  refs: ReservationRef[],
  from: ReservationState[],
  to: 'U' | 'X',
  shards: number,
): Promise<Released[]> {
  const byShard = new Map<number, ReservationRef[]>();
  for (const ref of refs) {
    const shard = shardOf(ref.userId, shards);
    byShard.set(shard, [...(byShard.get(shard) ?? []), ref]);
  }
  const found = new Map<string, Released>();
  for (const [shard, group] of byShard) {
    const k = shardKeys(activityId, shard, shards);
    // Slices: a Lua call's arguments are bounded (unpack), and one long script would hold Redis.
    for (let i = 0; i < group.length; i += RELEASE_SLICE) {
      const slice = group.slice(i, i + RELEASE_SLICE).map((r) => r.orderId);
      const results = (await STOCK_SCRIPTS.release.run(
        redis,
        [k.stock, k.reservations, k.unconfirmed],
        [from.join(''), to, ...slice],
      )) as [number, ReservationState | ''][];
      results.forEach(([released, state], j) =>
        found.set(slice[j], { orderId: slice[j], released: released === 1, found: state }),
      );
    }
  }
  return refs.map((r) => found.get(r.orderId)!);
}
