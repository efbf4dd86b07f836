import { Injectable } from '@nestjs/common';
import { join } from 'node:path';
import { LuaScript, RedisService } from '@app/redis';
import { stockKeys } from '@app/stock';

export type ReserveCode =
  | 'OK'
  | 'DUPLICATE'
  | 'KEY_REUSED'
  | 'NOT_FOUND'
  | 'NOT_STARTED'
  | 'ENDED'
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
  remaining: number;
}

const script = new LuaScript(join(__dirname, 'reserve.lua'));

/** The purchase's single Redis round trip (reserve.lua). */
@Injectable()
export class ReservationScript {
  constructor(private readonly redis: RedisService) {}

  async reserve(r: ReserveRequest): Promise<ReserveOutcome> {
    const k = stockKeys(r.activityId);
    const [code, orderId, remaining] = (await script.run(
      this.redis.client,
      [k.meta, k.stock, k.reservations, k.buyers, k.unconfirmed, k.idempotency],
      [r.orderId, r.userId, r.quantity, r.now, r.idempotencyKey ?? ''],
    )) as [ReserveCode, string, number];
    return { code, orderId, remaining };
  }
}
