import { Injectable } from '@nestjs/common';
import { RedisService } from '@app/redis';
import { Reservation, ReservationState, parseReservation } from './reservation';
import { Released, ReservationRef, readRemaining, readShards, releaseReservations } from './stock-release';
import { ShardCounts, buyerKeys } from './stock-shards';
import { STOCK_SCRIPTS } from './stock-scripts';

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

  /** abandon.lua: gives up a purchase attempt whose outcome the caller never learnt (its reply was lost). */
  async abandon(
    activityId: number,
    orderId: string,
    userId: string,
    now: number,
  ): Promise<'never-reserved' | 'undone' | 'kept'> {
    const k = buyerKeys(activityId, userId, await this.shards(activityId));
    return (await STOCK_SCRIPTS.abandon.run(
      this.redis.client,
      [k.stock, k.reservations, k.unconfirmed, k.promised],
      [orderId, userId, now],
    )) as 'never-reserved' | 'undone' | 'kept';
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
