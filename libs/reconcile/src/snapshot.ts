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
}

export async function readSnapshot(
  redis: RedisClient,
  db: DataSource,
  activityId: number,
): Promise<Snapshot> {
  const activity = await findActivity(db, activityId);
  const before = await readRedisView(redis, activityId);
  const [orders, usersWithSeveralLiveOrders] = await Promise.all([
    findOrders(db, activityId),
    findUsersWithSeveralLiveOrders(db, activityId),
  ]);
  const after = await readRedisView(redis, activityId);
  return { activity, before, orders, usersWithSeveralLiveOrders, after };
}
