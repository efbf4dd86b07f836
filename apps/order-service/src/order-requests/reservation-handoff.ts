import { Injectable } from '@nestjs/common';
import { join } from 'node:path';
import { OrderRequestMessage } from '@app/contracts';
import { LuaScript, RedisService } from '@app/redis';
import { ReservationRef, StockStore, shardKeys, shardOf } from '@app/stock';

export type TakeResult = 'T' | 'O' | 'X' | 'U' | 'F' | '' | 'MISMATCH';

export interface Taken {
  /** the activity's rebuild count the states were read under; -1: Redis has no state for the activity */
  rebuilds: number;
  states: TakeResult[];
}

const take = new LuaScript(join(__dirname, 'take.lua'));
const ordered = new LuaScript(join(__dirname, 'ordered.lua'));
const failed = new LuaScript(join(__dirname, 'failed.lua'));

/**
 * Moves reservations of one activity through T (taken), then O (ordered) or F (failed), one round trip
 * each — per stock shard for a sharded activity, each reservation in its buyer's home shard.
 */
@Injectable()
export class ReservationHandoff {
  constructor(
    private readonly redis: RedisService,
    private readonly stock: StockStore,
  ) {}

  async take(activityId: number, requests: OrderRequestMessage[]): Promise<Taken> {
    const shards = await this.stock.shards(activityId);
    const states: TakeResult[] = new Array<TakeResult>(requests.length);
    // Shards are rebuilt one after the other: the lowest count is the one the whole batch is safe under.
    let rebuilds = Infinity;
    const groups = byShard(requests, shards);
    if (groups.size === 0) groups.set(0, []); // still answers the rebuild count
    for (const [shard, indexes] of groups) {
      const k = shardKeys(activityId, shard, shards);
      const args = indexes.flatMap((i) => [requests[i].orderId, requests[i].userId, String(requests[i].quantity)]);
      const [count, ...taken] = (await take.run(
        this.redis.client,
        [k.reservations, k.unconfirmed, k.meta, k.buyers],
        args,
      )) as [number, ...TakeResult[]];
      rebuilds = Math.min(rebuilds, count);
      indexes.forEach((i, j) => (states[i] = taken[j]));
    }
    return { rebuilds, states };
  }

  markOrdered(activityId: number, refs: ReservationRef[]): Promise<void> {
    return this.mark(ordered, activityId, refs);
  }

  markFailed(activityId: number, refs: ReservationRef[]): Promise<void> {
    return this.mark(failed, activityId, refs);
  }

  private async mark(script: LuaScript, activityId: number, refs: ReservationRef[]): Promise<void> {
    if (refs.length === 0) return;
    const shards = await this.stock.shards(activityId);
    for (const [shard, indexes] of byShard(refs, shards)) {
      const k = shardKeys(activityId, shard, shards);
      await script.run(this.redis.client, [k.reservations], indexes.map((i) => refs[i].orderId));
    }
  }
}

/** Indexes of the items per home shard of their buyer (one group, in order, when unsharded). */
function byShard(items: { userId: string }[], shards: number): Map<number, number[]> {
  const groups = new Map<number, number[]>();
  items.forEach((item, i) => {
    const shard = shardOf(item.userId, shards);
    const group = groups.get(shard);
    if (group) group.push(i);
    else groups.set(shard, [i]);
  });
  return groups;
}
