import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { RedisService } from '@app/redis';
import { STOCK_SCRIPTS, stockKeys } from '@app/stock';
import { riskKeys } from '../risk/risk-keys';

export type ReserveCode =
  | 'OK'
  | 'ABANDONED'
  | 'DUPLICATE'
  | 'KEY_REUSED'
  | 'NOT_FOUND'
  | 'NOT_STARTED'
  | 'ENDED'
  | 'RATE_LIMITED_USER'
  | 'ADMISSION_LIMITED'
  | 'OVER_LIMIT'
  | 'ALREADY_PURCHASED'
  | 'SOLD_OUT';

export interface ReserveRequest {
  activityId: number;
  orderId: string;
  userId: string;
  quantity: number;
  now: number;
  idempotencyKey?: string;
}

export interface ReserveOutcome {
  code: ReserveCode;
  orderId: string;
  /** stock left after this call (OK, SOLD_OUT), else -1 */
  remaining: number;
  /** for the limits: ms until a retry could pass */
  retryAfterMs: number;
}

/** KEYS of reserve.lua for one buyer of one activity, in its order (see the script's header). */
export function reserveKeys(activityId: number, userId: string): string[] {
  const k = stockKeys(activityId);
  const risk = riskKeys(activityId, userId);
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

  constructor(
    private readonly redis: RedisService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.limits = [
      config.RATE_LIMIT_USER_PER_SECOND,
      config.RATE_LIMIT_USER_BURST,
      config.ADMISSION_RATE_PER_SECOND,
      config.ADMISSION_BURST,
      config.CLOCK_SKEW_MAX_MS,
    ];
  }

  async reserve(r: ReserveRequest): Promise<ReserveOutcome> {
    const [code, orderId, remaining, retryAfterMs] = (await STOCK_SCRIPTS.reserve.run(
      this.redis.client,
      reserveKeys(r.activityId, r.userId),
      [r.orderId, r.userId, r.quantity, r.now, r.idempotencyKey ?? '', r.activityId, ...this.limits],
    )) as [ReserveCode, string, number, number];
    return { code, orderId, remaining, retryAfterMs };
  }
}
