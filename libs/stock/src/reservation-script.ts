import { Inject, Injectable, Optional } from '@nestjs/common';
import type { Purchase, RefusalReason } from '@app/contracts';
import { RedisService } from '@app/redis';
import { shardOf, shardTag, keysUnder, riskKeys } from './stock-shards';
import { STOCK_SCRIPTS } from './stock-scripts';
import { SellingAnnouncements } from './selling-announcements';

/**
 * What reserve.lua answers (see its header): OK, DUPLICATE, ABANDONED and SHARDED, or a refusal by its
 * name in libs/contracts' refusal table (IDEMPOTENCY_KEY_REUSED, SOLD_OUT…) — one name from Lua to the API.
 */
export type ReserveCode = 'OK' | 'DUPLICATE' | 'ABANDONED' | 'SHARDED' | RefusalReason;

/** The parts of a purchase the reservation reads. */
export type ReserveInput = Pick<
  Purchase,
  'activityId' | 'orderId' | 'userId' | 'quantity' | 'now' | 'idempotencyKey'
>;

/** reserve.lua's reply `{code, orderId, remaining, retryAfterMs}`, as it comes. */
export interface ReserveReply {
  code: ReserveCode;
  orderId: string;
  /** stock left after this call (OK, SOLD_OUT; a shard's own, for a sharded activity), else -1; SHARDED: shards */
  remaining: number;
  /** for the limits: ms until a retry could pass */
  retryAfterMs: number;
}

/** The limits reserve.lua applies, by their configuration names (the gateway gives its AppConfig). */
export interface ReserveLimits {
  RATE_LIMIT_USER_PER_SECOND: number;
  RATE_LIMIT_USER_BURST: number;
  ADMISSION_RATE_PER_SECOND: number;
  ADMISSION_BURST: number;
  CLOCK_SKEW_MAX_MS: number;
}
export const RESERVE_LIMITS = Symbol('RESERVE_LIMITS');

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
    k.promised,
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
    this.selling?.before(r.activityId);
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
