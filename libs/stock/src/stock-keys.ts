/**
 * Redis keys of one activity. Every key carries the hash tag `{<activityId>}`, so all of an activity's
 * keys live in one Redis Cluster slot and a single Lua script may touch them together.
 * Different activities spread over the cluster; one hot activity is split further by stock shards
 * (stock-shards.ts): each shard has these same keys under its own tag.
 */
export interface StockKeys {
  /** hash: startsAt, endsAt (epoch ms), perUserLimit, payTimeoutSeconds, stock (initial), stockShards */
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
  /** shards only — hash: transferId → `toShard|quantity|at|rebuilds`, leftovers taken out, not yet known applied */
  transfersOut: string;
  /** shards only — hash: transferId → quantity, the transfers this shard has applied (each once) */
  transfersIn: string;
}

export function stockKeys(activityId: number): StockKeys {
  return keysUnder(String(activityId));
}

/** The keys under one hash tag: an activity's (its id) or one of its stock shards' (stock-shards.ts). */
export function keysUnder(tag: string): StockKeys {
  const prefix = `seckill:{${tag}}`;
  return {
    meta: `${prefix}:meta`,
    stock: `${prefix}:stock`,
    reservations: `${prefix}:reservations`,
    buyers: `${prefix}:buyers`,
    unconfirmed: `${prefix}:unconfirmed`,
    idempotency: `${prefix}:idempotency`,
    promised: `${prefix}:promised`,
    transfersOut: `${prefix}:transfers-out`,
    transfersIn: `${prefix}:transfers-in`,
  };
}

/**
 * Redis keys of the risk checks that run inside reserve.lua. Like the stock keys above, they carry
 * the activity's hash tag, so the reservation script may touch all of them in one Redis Cluster slot.
 */
export interface RiskKeys {
  /** hash: tokens, at (epoch ms) — the activity's (or stock shard's) admission token bucket */
  admission: string;
  /** string: the buyer's GCRA theoretical arrival time (epoch ms); expires once fully rested */
  userRate: string;
}

/** `tag`: the activity's id, or the hash tag of one of its stock shards (shardTag, stock-shards.ts). */
export function riskKeys(tag: number | string, userId: string): RiskKeys {
  const prefix = `seckill:{${tag}}`;
  return { admission: `${prefix}:admission`, userRate: `${prefix}:rate:user:${userId}` };
}
