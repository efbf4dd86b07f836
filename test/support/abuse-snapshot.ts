import { stockKeys } from '@app/stock';
import { TestClients } from './clients';

/** Activity ids no test creates (the sequence is far from them): purchases there must find nothing. */
export const UNKNOWN_ACTIVITY_IDS = [2_147_483_647, 999_999_999];
/** The gateway's blacklist hash (apps/gateway/src/risk/blacklist.store.ts), read directly. */
const BLACKLIST_KEY = 'seckill:blacklist';

/**
 * What abuse must leave untouched: the sale (its row, its Redis state, its orders), the keys of unknown
 * activities, this run's other activities and orders, and blacklist entries naming this run (the only
 * ones its requests could add). Scoped to the run, so tests running elsewhere cannot disturb it.
 */
export async function takeSnapshot(
  { redis, db }: TestClients,
  activityId: number,
  run: string,
): Promise<Record<string, unknown>> {
  const k = stockKeys(activityId);
  const unknownKeys = UNKNOWN_ACTIVITY_IDS.flatMap((id) => Object.values(stockKeys(id)));
  const [meta, stock, reservations, buyers, idempotency, unconfirmed, unknown, blacklist] = await Promise.all(
    [
      redis.hgetall(k.meta),
      redis.get(k.stock),
      redis.hlen(k.reservations),
      redis.hlen(k.buyers),
      redis.hlen(k.idempotency),
      redis.zcard(k.unconfirmed),
      redis.exists(...unknownKeys),
      redis.hkeys(BLACKLIST_KEY),
    ],
  );
  const sale = await db.query('SELECT stock, starts_at, ends_at FROM activities WHERE id = $1', [activityId]);
  const orders = await db.query(
    `SELECT id, activity_id, user_id, quantity, status FROM orders
     WHERE activity_id = $1 OR user_id LIKE $2 ORDER BY id`,
    [activityId, `abuse-${run}-%`],
  );
  const [{ activities }] = await db.query(
    'SELECT count(*)::int AS activities FROM activities WHERE name LIKE $1',
    [`abuse ${run}%`],
  );
  const listed = blacklist.filter((field) => field.includes(run));
  return {
    sale,
    meta,
    stock,
    reservations,
    buyers,
    idempotency,
    unconfirmed,
    unknown,
    orders,
    activities,
    listed,
  };
}
