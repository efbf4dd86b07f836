import { Injectable } from '@nestjs/common';
import { RedisService } from '@app/redis';
import { ReservationScript, ReserveInput, ReserveReply } from './reservation-script';
import { moveLeftovers, transfersPending } from './shard-transfers';
import { readRemaining } from './stock.store';
import { ShardCounts, shardOf } from './stock-shards';

/** Rounds over the donors at most, while the shards together still hold enough (a bound against livelock). */
const MAX_ROUNDS = 5;

/**
 * The reservation of a purchase, whatever the activity's stock layout: one reserve.lua call for an
 * unsharded activity (the usual case); for one with stock shards (docs/architecture.md, decision 12, "home
 * shard + leftovers moved"), the buyer reserves in their home shard only, so the per-user limit and the
 * one-live-order rule stay inside one reserve.lua call. When the home shard is out, leftovers are moved in
 * from the other shards in turn (each donor until it is empty) and the reservation is tried again:
 * SOLD_OUT only once a last look finds every shard empty and nothing in transit.
 */
@Injectable()
export class Reservations {
  constructor(
    private readonly script: ReservationScript,
    private readonly redis: RedisService,
    private readonly counts: ShardCounts,
  ) {}

  /**
   * A sharded activity this instance has not met yet answers SHARDED from its own keys, once; from then
   * on its count is known (ShardCounts) and the buyer's home shard is asked directly.
   */
  async reserve(r: ReserveInput): Promise<ReserveReply> {
    const shards = this.counts.known(r.activityId);
    if (shards !== undefined && shards > 1) return this.sharded(r, shards);
    const reply = await this.script.reserve(r);
    return reply.code === 'SHARDED' ? this.sharded(r, reply.remaining) : reply;
  }

  /**
   * `remaining` in the reply: the home shard's when positive, 0 only when every shard was found empty
   * (the caller then sets this instance's sold-out flag), otherwise -1 (unknown: no flag changes).
   */
  private async sharded(r: ReserveInput, shards: number): Promise<ReserveReply> {
    this.counts.learn(r.activityId, shards);
    const client = this.redis.client;
    let outcome = await this.script.reserve(r, shards);
    for (let round = 1; outcome.code === 'SOLD_OUT'; round++) {
      outcome = await this.fromDonors(r, shards, outcome);
      if (outcome.code !== 'SOLD_OUT') break;
      // Every donor gave nothing and home is empty — as this buyer saw them, one after the other. Units
      // may have moved meanwhile to a shard already looked at, or be in transit (taken out of a donor,
      // not applied yet): unless a last look finds nothing anywhere, another round.
      const [left, pending] = await Promise.all([
        readRemaining(client, r.activityId, shards),
        transfersPending(client, r.activityId, shards),
      ]);
      // Sold out: remaining 0 sets this instance's flag — through the caller's stamp, so discarded if any
      // stock came back meanwhile (a shard rising from 0 publishes). Not broadcast as reserve.lua does: the
      // look is not atomic with the shards (different slots), and a broadcast `<id>:0` could arrive after
      // the message of a unit that the look missed and stick. The other gateways find out by their own
      // look or their refresh, which sums the shards.
      if (left === 0 && !pending) return { ...outcome, remaining: 0 };
      if (((left ?? 0) < r.quantity && !pending) || round >= MAX_ROUNDS) break;
    }
    return outcome.remaining === 0 ? { ...outcome, remaining: -1 } : outcome;
  }

  /** Each other shard in turn moves leftovers home, asked again while it gives something; home is tried after each move. */
  private async fromDonors(r: ReserveInput, shards: number, first: ReserveReply): Promise<ReserveReply> {
    const home = shardOf(r.userId, shards);
    let outcome = first;
    let step = 1;
    // The bound stops a pathological race from looping (the buyer then just gets SOLD_OUT from home).
    for (let tries = 0; outcome.code === 'SOLD_OUT' && step < shards && tries < 4 * shards; tries++) {
      const needed = r.quantity - Math.max(0, outcome.remaining);
      const from = { donor: (home + step) % shards, home, shards };
      const { moved } = await moveLeftovers(this.redis.client, r.activityId, from, needed);
      if (moved === 0) step++;
      else outcome = await this.script.reserve(r, shards, true);
    }
    // Every donor gave nothing, but other buyers' purchases may have moved leftovers home since this one's
    // last look: SOLD_OUT only from a home shard seen empty after the donors.
    if (outcome.code === 'SOLD_OUT') outcome = await this.script.reserve(r, shards, true);
    return outcome;
  }
}
