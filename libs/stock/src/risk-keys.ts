/**
 * Redis keys of the risk checks that run inside reserve.lua. Like the stock keys (libs/stock), they carry
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
