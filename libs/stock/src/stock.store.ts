import { Injectable } from '@nestjs/common';
import { RedisClient, RedisService } from '@app/redis';
import { Reservation, ReservationState, parseReservation } from './reservation';
import { STOCK_SCRIPTS } from './stock-scripts';
import { stockKeys } from './stock-keys';

const RELEASE_SLICE = 1_000;

/** What releasing one reservation did: gave its stock back now, or found it in another state. */
export interface Released {
  orderId: string;
  released: boolean;
  found: ReservationState | '';
}

/**
 * release.lua over many reservations of one activity: gives each one's stock back if it is in one of
 * `from`; per order id, in order, whether this call did and the state it found. (A plain function too:
 * the rebuild runs it on its own connection.)
 */
export async function releaseReservations(
  redis: RedisClient,
  activityId: number,
  orderIds: string[],
  from: ReservationState[],
  to: 'U' | 'X',
): Promise<Released[]> {
  const k = stockKeys(activityId);
  const out: Released[] = [];
  // Slices: a Lua call's arguments are bounded (unpack), and one long script would hold Redis.
  for (let i = 0; i < orderIds.length; i += RELEASE_SLICE) {
    const slice = orderIds.slice(i, i + RELEASE_SLICE);
    const results = (await STOCK_SCRIPTS.release.run(
      redis,
      [k.stock, k.reservations, k.unconfirmed],
      [from.join(''), to, ...slice],
    )) as [number, ReservationState | ''][];
    results.forEach(([released, found], j) =>
      out.push({ orderId: slice[j], released: released === 1, found }),
    );
  }
  return out;
}

/** One reservation: true when this call gave its stock back. */
export async function releaseReservation(
  redis: RedisClient,
  activityId: number,
  orderId: string,
  from: ReservationState[],
  to: 'U' | 'X',
): Promise<boolean> {
  const [released] = await releaseReservations(redis, activityId, [orderId], from, to);
  return released.released;
}

/** Reads and releases stock and reservations; shared by the gateway, order-service and cancel-service. */
@Injectable()
export class StockStore {
  constructor(private readonly redis: RedisService) {}

  /** @returns true when this call gave the stock back; false when it was not in one of `from`. */
  release(activityId: number, orderId: string, from: ReservationState[], to: 'U' | 'X'): Promise<boolean> {
    return releaseReservation(this.redis.client, activityId, orderId, from, to);
  }

  /** `release` for many reservations of one activity, in one Redis call per slice. */
  releaseMany(
    activityId: number,
    orderIds: string[],
    from: ReservationState[],
    to: 'U' | 'X',
  ): Promise<Released[]> {
    return releaseReservations(this.redis.client, activityId, orderIds, from, to);
  }

  /** abandon.lua: gives up a purchase attempt whose outcome the caller never learnt (its reply was lost). */
  async abandon(
    activityId: number,
    orderId: string,
    userId: string,
    now: number,
  ): Promise<'never-reserved' | 'undone' | 'kept'> {
    const k = stockKeys(activityId);
    return (await STOCK_SCRIPTS.abandon.run(
      this.redis.client,
      [k.stock, k.reservations, k.unconfirmed, k.promised],
      [orderId, userId, now],
    )) as 'never-reserved' | 'undone' | 'kept';
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
