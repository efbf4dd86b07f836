import { Injectable } from '@nestjs/common';

/**
 * The stock shard count of each activity this process has met (1: unsharded), its one cache: read from
 * Redis meta by StockStore, or learnt from reserve.lua's SHARDED answer by Reservations. A count never
 * changes once an activity exists, so it is never forgotten.
 */
@Injectable()
export class ShardCounts {
  private readonly counts = new Map<number, number>();

  /** The count, if known (a Map lookup, no Redis). */
  known(activityId: number): number | undefined {
    return this.counts.get(activityId);
  }

  learn(activityId: number, shards: number): void {
    this.counts.set(activityId, shards);
  }
}
