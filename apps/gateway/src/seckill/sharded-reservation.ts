import { Injectable } from '@nestjs/common';
import { RedisService } from '@app/redis';
import { moveLeftovers, shardOf } from '@app/stock';
import { RISK_CHANNELS } from '../risk/risk-channels';
import { ReservationScript, ReserveOutcome, ReserveRequest } from './reservation.script';

/**
 * A purchase of an activity with stock shards (docs/architecture.md, decision 12, "home shard + leftovers
 * moved"). The buyer reserves in their home shard only, so the per-user limit and the one-live-order rule
 * stay inside one reserve.lua call. When the home shard is out, leftovers are moved in from the other
 * shards in turn (each donor until it is empty) and the reservation is tried again: SOLD_OUT only once
 * every shard was found empty.
 */
@Injectable()
export class ShardedReservation {
  /** Shard counts learnt from reserve.lua's SHARDED answers; never changes once an activity exists. */
  private readonly known = new Map<number, number>();

  constructor(
    private readonly script: ReservationScript,
    private readonly redis: RedisService,
  ) {}

  /** The activity's shards, when this instance has learnt that it has several (a Map lookup, no Redis). */
  shardsOf(activityId: number): number | undefined {
    return this.known.get(activityId);
  }

  /**
   * `remaining` in the outcome: the home shard's when positive, 0 only when every shard was found empty
   * (the sold-out flag is then set here and on every gateway), otherwise -1 (unknown: no flag changes).
   */
  async reserve(r: ReserveRequest, shards: number): Promise<ReserveOutcome> {
    this.known.set(r.activityId, shards);
    const home = shardOf(r.userId, shards);
    let outcome = await this.script.reserve(r, shards);
    let step = 1;
    // A donor is asked again while it gives something (another buyer may take what it moved in first);
    // the bound stops a pathological race from looping — the buyer then just gets SOLD_OUT from home.
    for (let tries = 0; outcome.code === 'SOLD_OUT' && step < shards && tries < 4 * shards; tries++) {
      const needed = r.quantity - Math.max(0, outcome.remaining);
      const from = { donor: (home + step) % shards, home, shards };
      const { moved } = await moveLeftovers(this.redis.client, r.activityId, from, needed, r.now);
      if (moved === 0) step++;
      else outcome = await this.script.reserve(r, shards, true);
    }
    // Every donor gave nothing, but concurrent purchases of other buyers may have moved leftovers home
    // since this one's last look: SOLD_OUT is only answered from a home shard seen empty after the donors.
    if (outcome.code === 'SOLD_OUT' && step >= shards) outcome = await this.script.reserve(r, shards, true);
    if (outcome.code !== 'SOLD_OUT') return outcome.remaining === 0 ? { ...outcome, remaining: -1 } : outcome;
    if (step < shards || outcome.remaining !== 0) return { ...outcome, remaining: -1 };
    // Every shard empty: tell every gateway, as reserve.lua does for an unsharded activity. (Not atomic
    // with the shards' state: a release racing this message is corrected by each gateway's refresh.)
    await this.redis.client.publish(RISK_CHANNELS.stock, `${r.activityId}:0`);
    return outcome;
  }
}
