import { DataSource } from 'typeorm';
import { OrderStatus } from '@app/database';

export interface ActivityRow {
  id: number;
  name: string;
  stock: number;
  perUserLimit: number;
  rebuilds: number;
}

/** Only the columns the invariants need: a large sale's orders are read in one query, without entities. */
export interface OrderRow {
  id: string;
  userId: string;
  quantity: number;
  status: OrderStatus;
  expiresAt: Date;
  paidAt: Date | null;
  cancelledAt: Date | null;
  stockReleasedAt: Date | null;
  /** the provider payment that paid it; null when unpaid or paid by the synchronous shortcut */
  paymentId: string | null;
}

export interface SeveralLiveOrders {
  userId: string;
  count: number;
}

/** The activity id names no row: a usage error, not a breach (the CLI exits 2). */
export class UnknownActivityError extends Error {
  constructor(readonly activityId: number) {
    super(`activity ${activityId} does not exist`);
  }
}

export async function findActivity(db: DataSource, activityId: number): Promise<ActivityRow> {
  const rows: ActivityRow[] = await db.query(
    `SELECT id, name, stock, per_user_limit AS "perUserLimit", rebuilds FROM activities WHERE id = $1`,
    [activityId],
  );
  if (rows.length === 0) throw new UnknownActivityError(activityId);
  return rows[0];
}

export function findOrders(db: DataSource, activityId: number): Promise<OrderRow[]> {
  return db.query(
    `SELECT id, user_id AS "userId", quantity, status, expires_at AS "expiresAt", paid_at AS "paidAt",
            cancelled_at AS "cancelledAt", stock_released_at AS "stockReleasedAt", payment_id AS "paymentId"
       FROM orders WHERE activity_id = $1`,
    [activityId],
  );
}

/**
 * Invariant 3 asked of the database itself rather than of the rows in memory: the unique partial index
 * should make this always empty, and the question is whether it really does.
 */
export function findUsersWithSeveralLiveOrders(
  db: DataSource,
  activityId: number,
): Promise<SeveralLiveOrders[]> {
  return db.query(
    `SELECT user_id AS "userId", count(*)::int AS count
       FROM orders WHERE activity_id = $1 AND status IN ('PENDING', 'PAID')
      GROUP BY user_id HAVING count(*) > 1`,
    [activityId],
  );
}
