import { activitiesTable, ordersTable, runnerQuery } from '@app/database';
import type { RedisClient } from '@app/redis';
import { DataSource } from 'typeorm';
import { ActivityRecord } from './activity-meta';
import { SELLING_HOLD_MS, announceSelling } from './selling-activities';
import { readRemaining, releaseReservations } from './stock.store';
import { restoreShards } from './shard-rebuild';

export interface RebuildOutcome {
  activityId: number;
  remaining: number;
  /** units held by live orders and by requests still in flight */
  held: number;
  liveOrders: number;
  inFlight: number;
  rebuilds: number;
}

/** The activity's row as the rebuild reads it: what Redis holds a copy of, and the rebuild count. */
export interface LedgerActivity extends ActivityRecord {
  rebuilds: number;
}

export interface LedgerOrder {
  id: string;
  userId: string;
  quantity: number;
  live: boolean;
  createdAt: Date;
}

/**
 * Rebuilds an activity's Redis state from PostgreSQL, the ledger: meta (every field the warm-up wrote,
 * bot defences included: activity-meta.ts), buyers and reservation records
 * from the orders (live → O, cancelled → X), then remaining = stock − live orders − requests in flight.
 *
 * Order of operations (docs/architecture.md, "PostgreSQL is the ledger"): the activity row is locked first
 * (UPDATE … rebuilds + 1), which waits for every order write of the activity in progress and holds the next
 * ones back; the orders are read after the lock, so none committed before it is missed and none commits
 * until Redis is rebuilt. A request taken from the Redis state before the rebuild and written after it is
 * caught by the writer: it compares `rebuilds` under the same lock. Failing anywhere rolls the count back;
 * every Redis step converges, so running it again is safe.
 *
 * Only while the activity is open (its sale or its pay window not over): a finished activity is the
 * ledger's alone, and retired from Redis once nothing of it is in flight — a late or replayed request must
 * not bring its keys back for good.
 * @returns null when the activity does not exist or is finished
 */
export async function rebuildActivity(
  db: DataSource,
  redis: RedisClient,
  activityId: number,
): Promise<RebuildOutcome | null> {
  const runner = db.createQueryRunner();
  await runner.connect();
  try {
    await runner.startTransaction();
    const [activity]: LedgerActivity[] = await activitiesTable.countRebuild(runnerQuery(runner), activityId);
    if (!activity) {
      await runner.rollbackTransaction();
      return null;
    }
    const orders: LedgerOrder[] = (await ordersTable.ofActivity(runnerQuery(runner), activityId)).map(
      (o) => ({
        id: o.id,
        userId: o.userId,
        quantity: o.quantity,
        live: o.status === 'PENDING' || o.status === 'PAID',
        createdAt: o.createdAt,
      }),
    );
    const [remaining, held, inFlight] = await restoreShards(redis, activityId, activity, orders);
    // Cancellations do not take the row lock: one that committed after the orders were read, and whose
    // release ran before its record was put back (and found nothing), is released here (O → X, once).
    const restored = orders.filter((o) => o.live).map((o) => o.id);
    const cancelledSince = (await ordersTable.cancelledAmong(runnerQuery(runner), restored)).map((o) => ({
      orderId: o.id,
      userId: o.userId,
    }));
    const { stockShards } = activity;
    for (const ref of cancelledSince)
      await releaseReservations(redis, activityId, [ref], ['O'], 'X', stockShards);
    const remainingNow =
      cancelledSince.length > 0 ? ((await readRemaining(redis, activityId, stockShards)) ?? 0) : remaining;
    // Recovery looks at it once (what was in flight stays in flight). Not in the script: the set has no
    // hash tag, so it lives in another cluster slot.
    await announceSelling(redis, [activityId], SELLING_HOLD_MS + 1);
    await runner.commitTransaction();
    const liveOrders = orders.filter((o) => o.live).length;
    return {
      activityId,
      remaining: remainingNow,
      held,
      liveOrders: liveOrders - cancelledSince.length,
      inFlight,
      rebuilds: activity.rebuilds,
    };
  } catch (err) {
    if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
    throw err;
  } finally {
    await runner.release();
  }
}
