import { Injectable } from '@nestjs/common';
import { RedisService, RedisClient } from '@app/redis';
import { Reservation, ReservationState, parseReservation } from './reservation';
import { ShardCounts, buyerKeys, stockKeys, allShardKeys, shardKeys, shardOf } from './stock-shards';
import { STOCK_SCRIPTS } from './stock-scripts';

/**
 * What abandon.lua found: no reservation (a tombstone now), one it undid, one kept for another answer that
 * named it ('promised'), one taken already ('kept'), or one named by an answer too recent to judge.
 */
export type Abandoned = 'never-reserved' | 'undone' | 'promised' | 'kept' | 'pending';

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
        [k.stock, k.reservations, k.unconfirmed, k.meta],
        [from.join(''), to, ...slice],
      )) as [number, ReservationState | ''][];
      results.forEach(([released, state], j) =>
        found.set(slice[j], { orderId: slice[j], released: released === 1, found: state }),
      );
    }
  }
  return refs.map((r) => found.get(r.orderId)!);
}

/** Reads and releases stock and reservations; shared by the gateway, order-service and cancel-service. */
@Injectable()
export class StockStore {
  constructor(
    private readonly redis: RedisService,
    private readonly counts: ShardCounts = new ShardCounts(),
  ) {}

  /**
   * The activity's number of stock shards (1 when unsharded). Not remembered while Redis has no meta for
   * it (lost data, before the rebuild): 1 then names keys that hold nothing of a sharded activity, so a
   * caller finds nothing rather than the wrong thing, and asks again after the rebuild.
   */
  async shards(activityId: number): Promise<number> {
    const known = this.counts.known(activityId);
    if (known !== undefined) return known;
    const read = await readShards(this.redis.client, activityId);
    if (read !== null) this.counts.learn(activityId, read);
    return read ?? 1;
  }

  /** @returns true when this call gave the stock back; false when it was not in one of `from`. */
  async release(
    activityId: number,
    ref: ReservationRef,
    from: ReservationState[],
    to: 'U' | 'X',
  ): Promise<boolean> {
    const [released] = await this.releaseMany(activityId, [ref], from, to);
    return released.released;
  }

  /** `release` for many reservations of one activity, in one Redis call per shard (per slice). */
  async releaseMany(
    activityId: number,
    refs: ReservationRef[],
    from: ReservationState[],
    to: 'U' | 'X',
  ): Promise<Released[]> {
    const shards = await this.shards(activityId);
    return releaseReservations(this.redis.client, activityId, refs, from, to, shards);
  }

  /**
   * abandon.lua: gives up a purchase attempt whose outcome the caller never learnt (its reply was lost).
   * The order intake, which abandons again, passes `settleMs` and the buyer's attempts the ledger holds
   * abandoned (`voided`); a gateway passes neither.
   */
  async abandon(
    activityId: number,
    orderId: string,
    userId: string,
    now: number,
    again: { settleMs: number; voided: string[] } = { settleMs: 0, voided: [] },
  ): Promise<Abandoned> {
    const k = buyerKeys(activityId, userId, await this.shards(activityId));
    return (await STOCK_SCRIPTS.abandon.run(
      this.redis.client,
      [k.stock, k.reservations, k.unconfirmed, k.promises, k.buyers, k.meta],
      [orderId, userId, now, again.settleMs, ...again.voided],
    )) as Abandoned;
  }

  /** Remaining stock, summed over the shards (null when Redis holds none of it). */
  async remaining(activityId: number): Promise<number | null> {
    return readRemaining(this.redis.client, activityId, await this.shards(activityId));
  }

  /** The buyer's reservation under this order id (it lives in the buyer's home shard). */
  async reservation(activityId: number, ref: ReservationRef): Promise<Reservation | null> {
    const k = buyerKeys(activityId, ref.userId, await this.shards(activityId));
    const record = await this.redis.client.hget(k.reservations, ref.orderId);
    return record === null ? null : parseReservation(ref.orderId, record);
  }

  /** The order id of the buyer's latest reservation, if any. */
  async latestOf(activityId: number, userId: string): Promise<string | null> {
    const k = buyerKeys(activityId, userId, await this.shards(activityId));
    return this.redis.client.hget(k.buyers, userId);
  }
}

/** Items by their activity, in their order within each (an activity's stock is one Redis slot, one lock). */
export function groupByActivity<T extends { activityId: number }>(items: T[]): Map<number, T[]> {
  const groups = new Map<number, T[]>();
  for (const item of items) {
    const group = groups.get(item.activityId);
    if (group) group.push(item);
    else groups.set(item.activityId, [item]);
  }
  return groups;
}
