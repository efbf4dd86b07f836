import { Inject, Injectable, Optional } from '@nestjs/common';
import { RedisService } from '@app/redis';
import { SellingAnnouncements } from './selling-activities';
import { moveLeftovers, transfersPending } from './shard-transfers';
import { STOCK_SCRIPTS } from './stock-scripts';
import { ShardCounts, keysUnder, riskKeys, shardOf, shardTag } from './stock-shards';
import { readRemaining } from './stock.store';
import {
  RESERVE_HOLD,
  RESERVE_LIMITS,
  ReserveCode,
  ReserveHold,
  ReserveInput,
  ReserveLimits,
  ReserveReply,
  SalesHeldError,
} from './reserve-terms';

/**
 * KEYS of reserve.lua for one buyer of one activity, in its order (see the script's header): the
 * activity's own keys, or its buyer's home shard's when it has several stock shards.
 */
export function reserveKeys(activityId: number, userId: string, shards = 1): string[] {
  const tag = shardTag(activityId, shardOf(userId, shards), shards);
  const k = keysUnder(tag);
  const risk = riskKeys(tag, userId);
  return [
    k.meta,
    k.stock,
    k.reservations,
    k.buyers,
    k.unconfirmed,
    k.idempotency,
    risk.admission,
    risk.userRate,
    k.promises,
  ];
}

/** The purchase's single Redis round trip (reserve.lua): per-user limit, admission bucket, reservation. */
@Injectable()
export class ReservationScript {
  private readonly limits: number[];
  /** Per shard count (negative: a second try): the admission rate and burst are split over the shards. */
  private readonly shardLimits = new Map<number, number[]>();

  constructor(
    private readonly redis: RedisService,
    @Inject(RESERVE_LIMITS) config: ReserveLimits,
    // Absent only where a spec runs the script alone: then nothing tells recovery of the activity.
    @Optional() private readonly selling?: SellingAnnouncements,
    @Optional() @Inject(RESERVE_HOLD) private readonly hold?: ReserveHold,
  ) {
    this.limits = [
      config.RATE_LIMIT_USER_PER_SECOND,
      config.RATE_LIMIT_USER_BURST,
      config.ADMISSION_RATE_PER_SECOND,
      config.ADMISSION_BURST,
      config.CLOCK_SKEW_MAX_MS,
    ];
  }

  /**
   * In the buyer's home shard when `shards` > 1: its remaining stock is that shard's, not the activity's.
   * `again`: a second try of the same attempt after leftovers were moved in, which the buyer's own rate
   * limit already judged.
   */
  async reserve(r: ReserveInput, shards = 1, again = false): Promise<ReserveReply> {
    const landing = this.selling?.pending(r.activityId); // null once the activity is announced
    if (landing) {
      await landing;
      // Meanwhile the connection may have dropped and come back to a server behind the ledger.
      if (this.hold?.holding) throw new SalesHeldError('the sales are held: Redis may be behind the ledger');
    }
    const [code, orderId, remaining, retryAfterMs] = (await STOCK_SCRIPTS.reserve.run(
      this.redis.client,
      reserveKeys(r.activityId, r.userId, shards),
      shards > 1
        ? [
            r.orderId,
            r.userId,
            r.quantity,
            r.now,
            r.idempotencyKey ?? '',
            '',
            ...this.limitsFor(shards, again),
          ]
        : [r.orderId, r.userId, r.quantity, r.now, r.idempotencyKey ?? '', r.activityId, ...this.limits],
    )) as [ReserveCode, string, number, number];
    return { code, orderId, remaining, retryAfterMs };
  }

  private limitsFor(shards: number, again: boolean): number[] {
    const key = again ? -shards : shards;
    let limits = this.shardLimits.get(key);
    if (!limits) {
      const [userRate, userBurst, admissionRate, admissionBurst, skew] = this.limits;
      const admission = [admissionRate / shards, Math.ceil(admissionBurst / shards)];
      limits = [again ? 0 : userRate, userBurst, ...admission, skew];
      this.shardLimits.set(key, limits);
    }
    return limits;
  }
}

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
