import type { RedisClient } from '@app/redis';
import { DataSource } from 'typeorm';
import {
  ActivityRow,
  OrderRow,
  SeveralLiveOrders,
  findActivity,
  findOrders,
  findUsersWithSeveralLiveOrders,
} from './order-queries';
import { PaymentLine, ProviderLine, StatementSource, findPayments } from './money-queries';
import { RedisView, readRedisView } from './redis-view';

/**
 * Redis and PostgreSQL cannot be read at one instant, so Redis is read twice, around PostgreSQL.
 * Every step of an order writes PostgreSQL first and then moves the reservation in Redis (row committed,
 * then O; CANCELLED committed, then X), and the reservation always exists before its row. Hence:
 * - facts "this reservation implies a row" are judged on `before` (what it proves was already committed);
 * - facts "this row implies a reservation" are judged on `after` (which already shows what the row caused).
 * When `before` and `after` are equal nothing moved, and the whole snapshot is exact.
 */
export interface Snapshot {
  activity: ActivityRow;
  before: RedisView;
  orders: OrderRow[];
  usersWithSeveralLiveOrders: SeveralLiveOrders[];
  after: RedisView;
  /** the shop's payments for the activity's orders, read with the orders */
  payments: PaymentLine[];
  /** the provider's statement, read after the shop's ledger (what the shop knows, the provider knew) */
  statement: { lines?: ProviderLine[]; unavailable?: string };
}

export async function readSnapshot(
  redis: RedisClient,
  db: DataSource,
  activityId: number,
  statement: StatementSource = () => Promise.resolve({ unavailable: 'not asked' }),
): Promise<Snapshot> {
  const activity = await findActivity(db, activityId);
  const before = await readRedisView(redis, activityId);
  const [orders, usersWithSeveralLiveOrders, payments] = await Promise.all([
    findOrders(db, activityId),
    findUsersWithSeveralLiveOrders(db, activityId),
    findPayments(db, activityId),
  ]);
  const after = await readRedisView(redis, activityId);
  return {
    activity,
    before,
    orders,
    usersWithSeveralLiveOrders,
    after,
    payments,
    statement: await statement(),
  };
}
