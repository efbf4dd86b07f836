import type { RedisClient } from '@app/redis';
import {
  RESERVATION_STATES,
  Reservation,
  StockKeys,
  allShardKeys,
  parseReservation,
  readShards,
  stockKeys,
  unitsInTransit,
} from '@app/stock';

/** What Redis holds for one activity at one instant. */
export interface RedisView {
  /**
   * null when the stock key is missing (never warmed, or Redis lost it). With stock shards: the sum of
   * the shards' stock and of the units in transit between two of them (taken out, not yet applied).
   */
  remaining: number | null;
  reservations: Map<string, Reservation>;
}

/**
 * Stock and reservations in one MULTI, so they are read at the same instant: the reservation script
 * changes both together, and a read between two commands would see one without the other.
 */
export async function readRedisView(redis: RedisClient, activityId: number): Promise<RedisView> {
  const shards = (await readShards(redis, activityId)) ?? 1;
  if (shards <= 1) return readShard(redis, stockKeys(activityId));
  // Shards sit in different slots: read one by one, the caller's before/after comparison (sameRedisView)
  // tells whether anything moved meanwhile.
  const views = [];
  for (const k of allShardKeys(activityId, shards)) views.push(await readShard(redis, k));
  const inTransit = await unitsInTransit(redis, activityId, shards);
  const stocks = views.map((v) => v.remaining);
  return {
    remaining: stocks.every((s) => s === null)
      ? null
      : stocks.reduce<number>((a, s) => a + (s ?? 0), inTransit),
    reservations: new Map(views.flatMap((v) => [...v.reservations])),
  };
}

async function readShard(redis: RedisClient, k: StockKeys): Promise<RedisView> {
  const replies = await redis.multi().get(k.stock).hgetall(k.reservations).exec();
  if (!replies) throw new Error('redis transaction was aborted');
  const [[stockErr, stock], [resErr, records]] = replies as [
    [Error | null, string | null],
    [Error | null, Record<string, string>],
  ];
  if (stockErr || resErr) throw stockErr ?? resErr;
  const reservations = new Map(Object.entries(records).map(([id, record]) => [id, parseChecked(id, record)]));
  return { remaining: stock === null ? null : Number(stock), reservations };
}

const KNOWN_STATES: readonly string[] = Object.values(RESERVATION_STATES);

/**
 * parseReservation trusts its input; a corrupt record must stop the check, not be counted as nothing.
 * Quantity 0 is valid only for the tombstone of an attempt abandoned before its script ran (StockStore.abandon).
 */
function parseChecked(orderId: string, record: string): Reservation {
  const r = parseReservation(orderId, record);
  const tombstone = r.state === RESERVATION_STATES.UNDONE && r.quantity === 0;
  if (!KNOWN_STATES.includes(r.state) || !Number.isInteger(r.quantity) || (r.quantity <= 0 && !tombstone)) {
    throw new Error(`reservation ${orderId} has a malformed record "${record}"`);
  }
  return r;
}

/**
 * Reservation states only move forward and records are never removed, so two equal views mean Redis did
 * not move at all in between (a new reservation or any state change would show).
 */
export function sameRedisView(a: RedisView, b: RedisView): boolean {
  if (a.remaining !== b.remaining || a.reservations.size !== b.reservations.size) return false;
  for (const [id, r] of a.reservations) {
    if (b.reservations.get(id)?.state !== r.state) return false;
  }
  return true;
}
