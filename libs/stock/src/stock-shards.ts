import { Injectable } from '@nestjs/common';
import calculateSlot from 'cluster-key-slot';

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
   * hash: orderId of a reservation still R → who answered it to the buyer: `-` (or `!` once its own attempt
   * was abandoned), then ` attemptId@ms` per later attempt whose answer named it (a retry's DUPLICATE, an
   * ALREADY_PURCHASED). A promise holds while its attempt is not abandoned (see abandon.lua).
   */
  promises: string;
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
    promises: `${prefix}:promises`,
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

/**
 * Hot-item stock shards (docs/architecture.md, decision 12): an activity created with N > 1 shards splits
 * its stock into N sub-stocks, each with its own keys under its own hash tag, so that one hot item runs on
 * several Redis Cluster masters. A buyer only ever reserves in their home shard, `shardOf(userId, N)`:
 * their reservations, the per-user limit and the one-live-order rule stay in one slot, and every process
 * finds a reservation's shard from its buyer alone. N = 1 is the activity's own keys (stockKeys), as
 * before shards existed.
 */
export const MAX_STOCK_SHARDS = 16;
const SLOTS = 16_384;
/** How far from its target slot a shard's tag may land (the search tries ~SLOTS / (2 × this) tags). */
const SLOT_TOLERANCE = 32;

/** FNV-1a (32 bit): cheap, stable across processes and versions, well spread for short ids. */
export function shardOf(userId: string, shards: number): number {
  if (shards <= 1) return 0;
  let hash = 0x811c9dc5;
  for (let i = 0; i < userId.length; i++) {
    hash ^= userId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % shards;
}

const tags = new Map<string, string>();

/**
 * The hash tag of one shard. Shard i of N sits near the middle of the i-th of N equal slot ranges, so on
 * a cluster whose masters split the slots evenly (what `redis-cli --cluster create` does) N shards land on
 * min(N, masters) different masters; a plain `42#i` would share a master by chance. The tag is searched
 * deterministically (`42#i` then `42#i.1`, `42#i.2`, …), so every process computes the same one.
 */
export function shardTag(activityId: number, shard: number, shards: number): string {
  if (shards <= 1) return String(activityId);
  const cacheKey = `${activityId}/${shard}/${shards}`;
  let tag = tags.get(cacheKey);
  if (tag) return tag;
  const target = Math.floor(((shard + 0.5) * SLOTS) / shards);
  for (let salt = 0; ; salt++) {
    const candidate = salt === 0 ? `${activityId}#${shard}` : `${activityId}#${shard}.${salt}`;
    if (Math.abs(calculateSlot(candidate) - target) <= SLOT_TOLERANCE) {
      tag = candidate;
      break;
    }
  }
  tags.set(cacheKey, tag);
  return tag;
}

/** The keys of one shard; with one shard, the activity's own keys. */
export function shardKeys(activityId: number, shard: number, shards: number): StockKeys {
  return keysUnder(shardTag(activityId, shard, shards));
}

/** The keys of every shard of an activity, shard 0 first. */
export function allShardKeys(activityId: number, shards: number): StockKeys[] {
  return Array.from({ length: Math.max(1, shards) }, (_, i) => shardKeys(activityId, i, shards));
}

/** The buyer's home shard's keys. */
export function buyerKeys(activityId: number, userId: string, shards: number): StockKeys {
  return shardKeys(activityId, shardOf(userId, shards), shards);
}

/** How an activity's stock is split at warm-up: as evenly as possible, the first shards taking the rest. */
export function splitStock(total: number, shards: number): number[] {
  const n = Math.max(1, shards);
  return Array.from({ length: n }, (_, i) => Math.floor(total / n) + (i < total % n ? 1 : 0));
}

/**
 * The stock shard count of each activity this process has met (1: unsharded), its one cache: read from
 * Redis meta by StockStore, or learnt from reserve.lua's SHARDED answer by Reservations. A count never
 * changes once an activity exists, so it is never forgotten.
 */
@Injectable()
export class ShardCounts {
  private readonly counts = new Map<number, number>();

  /** The count, if known (a Map lookup, no Redis). */
  known(activityId: number): number | undefined {
    return this.counts.get(activityId);
  }

  learn(activityId: number, shards: number): void {
    this.counts.set(activityId, shards);
  }
}
