import { DataSource } from 'typeorm';
import { Activity } from '@app/database';
import { RedisClient } from '@app/redis';
import { keysUnder } from '@app/stock';
import { warmActivity } from '../../apps/gateway/src/activities/activity-stock';

/** Activities warmed at once: the warm-up's commands of a chunk share the client's writes. */
const CHUNK = 500;

/**
 * A catalogue of `count` open activities (on sale now, for hours), named `<prefix> <i>`, made fast: one
 * INSERT for the rows, then the admin API's own warm-up (warmActivity) for each, many at a time. Each holds
 * `stock` units; nobody buys. Returns their ids.
 */
export async function openCatalogue(
  db: DataSource,
  redis: RedisClient,
  { count, prefix, stock = 100 }: { count: number; prefix: string; stock?: number },
): Promise<number[]> {
  const rows: Record<string, unknown>[] = await db.query(
    `INSERT INTO activities (name, stock, starts_at, ends_at, per_user_limit, pay_timeout_seconds)
     SELECT $1 || ' ' || i, $2, now() - interval '1 minute', now() + interval '3 hours', 1, 900
       FROM generate_series(1, $3) AS i
     RETURNING id, stock, starts_at, ends_at, per_user_limit, pay_timeout_seconds, purchase_token,
               challenge_bits, stock_shards, waiting_room`,
    [prefix, stock, count],
  );
  const activities = rows.map(
    (r) =>
      ({
        id: r.id,
        stock: r.stock,
        startsAt: r.starts_at,
        endsAt: r.ends_at,
        perUserLimit: r.per_user_limit,
        payTimeoutSeconds: r.pay_timeout_seconds,
        purchaseToken: r.purchase_token,
        challengeBits: r.challenge_bits,
        stockShards: r.stock_shards,
        waitingRoom: r.waiting_room,
      }) as Activity,
  );
  for (let i = 0; i < activities.length; i += CHUNK) {
    await Promise.all(activities.slice(i, i + CHUNK).map((a) => warmActivity(redis, a)));
  }
  return activities.map((a) => a.id);
}

/**
 * Takes a catalogue made by openCatalogue away again (nobody bought: no order refers to it): its rows and
 * its keys, so that it burdens no later run.
 */
export async function closeCatalogue(db: DataSource, redis: RedisClient, ids: number[]): Promise<void> {
  for (let i = 0; i < ids.length; i += CHUNK) {
    const chunk = ids.slice(i, i + CHUNK);
    await db.query('DELETE FROM activities WHERE id = ANY($1)', [chunk]);
    await Promise.all(
      chunk.map((id) => {
        const k = keysUnder(String(id));
        return redis.del(k.meta, k.stock);
      }),
    );
  }
}
