/**
 * Redis keys of one activity. Every key carries the hash tag `{<activityId>}`, so all of an activity's
 * keys live in one Redis Cluster slot and a single Lua script may touch them together.
 * Different activities spread over the cluster; one hot activity could be split further by stock shards.
 */
export interface StockKeys {
  /** hash: startsAt, endsAt (epoch ms), perUserLimit, payTimeoutSeconds, stock (initial) */
  meta: string;
  /** integer: remaining stock, never below 0 */
  stock: string;
  /** hash: orderId → reservation record (see reservation.ts) */
  reservations: string;
  /** hash: userId → orderId of the buyer's latest reservation */
  buyers: string;
  /** sorted set: orderId scored by reservation time, while not yet taken by the order-service */
  unconfirmed: string;
  /** hash: `${userId}:${idempotencyKey}` → `${orderId}|${quantity}` */
  idempotency: string;
  /**
   * set: order ids of reservations still R that were answered to another attempt (a retry's DUPLICATE, an
   * ALREADY_PURCHASED naming them): promised to the buyer, so their own attempt, if it got no reply, is not
   * abandoned (see abandon.lua)
   */
  promised: string;
}

export function stockKeys(activityId: number): StockKeys {
  const prefix = `seckill:{${activityId}}`;
  return {
    meta: `${prefix}:meta`,
    stock: `${prefix}:stock`,
    reservations: `${prefix}:reservations`,
    buyers: `${prefix}:buyers`,
    unconfirmed: `${prefix}:unconfirmed`,
    idempotency: `${prefix}:idempotency`,
    promised: `${prefix}:promised`,
  };
}

/** Set of activity ids that may hold unconfirmed reservations (scanned by the order-service's recovery). */
export const ACTIVE_ACTIVITIES_KEY = 'seckill:activities';
