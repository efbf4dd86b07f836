import { Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { join } from 'node:path';
import { LuaScript, RedisService } from '@app/redis';
import { Reservation, ReservationState, parseReservation } from './reservation';
import { stockKeys } from './stock-keys';

const releaseScript = new LuaScript(join(__dirname, 'release.lua'));

/** release.lua: gives a reservation's stock back if it is in one of `from`; true when this call did. */
export async function releaseReservation(
  redis: Redis,
  activityId: number,
  orderId: string,
  from: ReservationState[],
  to: 'U' | 'X',
): Promise<boolean> {
  const k = stockKeys(activityId);
  const [released] = (await releaseScript.run(
    redis,
    [k.stock, k.reservations, k.unconfirmed],
    [orderId, from.join(''), to],
  )) as [number, string];
  return released === 1;
}

/** Reads and releases stock and reservations; shared by the gateway, order-service and cancel-service. */
@Injectable()
export class StockStore {
  constructor(private readonly redis: RedisService) {}

  /** @returns true when this call gave the stock back; false when it was not in one of `from`. */
  async release(
    activityId: number,
    orderId: string,
    from: ReservationState[],
    to: 'U' | 'X',
  ): Promise<boolean> {
    return releaseReservation(this.redis.client, activityId, orderId, from, to);
  }

  async remaining(activityId: number): Promise<number | null> {
    const value = await this.redis.client.get(stockKeys(activityId).stock);
    return value === null ? null : Number(value);
  }

  async reservation(activityId: number, orderId: string): Promise<Reservation | null> {
    const record = await this.redis.client.hget(stockKeys(activityId).reservations, orderId);
    return record === null ? null : parseReservation(orderId, record);
  }
}
