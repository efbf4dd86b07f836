import Redis from 'ioredis';
import { Client } from 'pg';
import { AppConfig } from '@app/config';
import { stockKeys } from '@app/stock';
import { SeckillApi } from '../../test/support/seckill-api';
import { Verdict, reconcile } from './invariants';
import { Percentiles, percentiles, round } from './stats';
import { produceAll, reserveAll } from './wave-setup';

export interface WaveShape {
  orders: number;
  payTimeoutSeconds: number;
  /** how long after the last expiry the bench waits for the wave to be cancelled */
  waitS: number;
}

export interface ExpiryWave {
  shape: WaveShape;
  activityId: number;
  /** from the first to the last expires_at, once gathered into one second */
  expiriesSpreadS: number;
  cancelled: number;
  released: number;
  /** stock_released_at − expires_at of every released order, ms */
  latenessMs: Percentiles | null;
  /** released orders per second, from the first expiry to the last release */
  cancellationsPerSecond: number;
  /** Redis' stock back to the whole wave, s after the last expires_at; null if it never was */
  stockBackAfterLastExpiryS: number | null;
  complete: boolean;
  verdict: Verdict | null;
}

/**
 * A wave of expiries, end to end through the real services: `orders` reservations made with the gateway's
 * reserve.lua (reservedAt within one second), their order requests produced to Kafka at once, so that the
 * order-service writes the orders (expires_at = written + pay timeout) and the cancel-service cancels them
 * all and releases their stock. Lateness is measured per order from its own expires_at, after the
 * expiries are gathered into one second (see below).
 */
export async function runExpiryWave(
  config: AppConfig,
  gateway: string,
  shape: WaveShape,
): Promise<ExpiryWave> {
  const api = new SeckillApi(config, { gateway });
  const runId = `wave-${Date.now()}`;
  const activityId = await api.createActivity({
    name: `bench ${runId}`,
    stock: shape.orders,
    payTimeoutSeconds: shape.payTimeoutSeconds,
  });
  api.close();
  console.log(`bench: expiry wave: ${shape.orders} orders, pay timeout ${shape.payTimeoutSeconds} s`);
  const requests = await reserveAll(config.REDIS_URL, activityId, runId, shape.orders);
  await produceAll(config, requests);
  const db = new Client({ connectionString: config.DATABASE_URL });
  const redis = new Redis(config.REDIS_URL);
  await db.connect();
  try {
    const figures = async () =>
      (
        await db.query<{ n: number; cancelled: number; released: number; first: number; last: number }>(
          `SELECT count(*)::int AS n, count(*) FILTER (WHERE status = 'CANCELLED')::int AS cancelled,
                  count(stock_released_at)::int AS released,
                  (extract(epoch FROM min(expires_at)) * 1000)::float8 AS first,
                  (extract(epoch FROM max(expires_at)) * 1000)::float8 AS last
             FROM orders WHERE activity_id = $1`,
          [activityId],
        )
      ).rows[0];
    const writtenBy = Date.now() + 120_000;
    let f = await figures();
    while (f.n < shape.orders && Date.now() < writtenBy) f = await pause(250).then(figures);
    // The order-service starts a pay window when it writes the row, so the expiries spread over as long
    // as the writing took. Gathered into one second, as for orders written at once: every expires_at moves
    // into the second after the last one. Their timeout messages, due at the old time, find the orders not
    // due yet and hop to the new time (the path a clock skew takes), so the real path cancels the wave.
    await db.query(
      `UPDATE orders SET expires_at = to_timestamp(($2 + random() * 1000) / 1000.0)
        WHERE activity_id = $1 AND status = 'PENDING'`,
      [activityId, f.last + 1_000],
    );
    f = await figures();
    const deadline = (f.last || Date.now()) + shape.waitS * 1000;
    let stockBackAt: number | null = null;
    while (Date.now() < deadline) {
      if (stockBackAt === null && Number(await redis.get(stockKeys(activityId).stock)) >= shape.orders)
        stockBackAt = Date.now();
      f = await figures();
      if (f.released >= shape.orders && stockBackAt !== null) break;
      await pause(250);
    }
    const { rows } = await db.query<{ late: number; at: number }>(
      `SELECT extract(epoch FROM stock_released_at - expires_at)::float8 * 1000 AS late,
              extract(epoch FROM stock_released_at)::float8 * 1000 AS at
         FROM orders WHERE activity_id = $1 AND stock_released_at IS NOT NULL`,
      [activityId],
    );
    const lastRelease = rows.reduce((a, r) => Math.max(a, r.at), 0);
    const complete = f.released >= shape.orders && stockBackAt !== null;
    return {
      shape,
      activityId,
      expiriesSpreadS: round((f.last - f.first) / 1000, 3),
      cancelled: f.cancelled,
      released: f.released,
      latenessMs: rows.length
        ? percentiles(
            rows.map((r) => r.late),
            0,
          )
        : null,
      cancellationsPerSecond: rows.length
        ? round((rows.length * 1000) / Math.max(1, lastRelease - f.first), 0)
        : 0,
      stockBackAfterLastExpiryS: stockBackAt === null ? null : round((stockBackAt - f.last) / 1000, 3),
      complete,
      verdict: complete ? reconcile(activityId) : null,
    };
  } finally {
    redis.disconnect();
    await db.end();
  }
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
