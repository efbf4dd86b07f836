import { DataSource } from 'typeorm';

export interface OrderRow {
  id: string;
  userId: string;
  status: 'PENDING' | 'PAID' | 'CANCELLED';
  expiresAt: Date;
  paidAt: Date | null;
  cancelledAt: Date | null;
  /** when the cancel-service recorded the stock back in Redis (a cancelled order's last step) */
  stockReleasedAt: Date | null;
}

/** The activity's rows in PostgreSQL, read directly: what the order-service and cancel-service wrote. */
export function ordersOf(db: DataSource, activityId: number): Promise<OrderRow[]> {
  return db.query(
    `SELECT id, user_id AS "userId", status, expires_at AS "expiresAt", paid_at AS "paidAt",
            cancelled_at AS "cancelledAt", stock_released_at AS "stockReleasedAt"
       FROM orders WHERE activity_id = $1 ORDER BY id`,
    [activityId],
  );
}

export async function countOrders(db: DataSource, activityId: number): Promise<number> {
  const [{ count }] = await db.query('SELECT count(*)::int AS count FROM orders WHERE activity_id = $1', [
    activityId,
  ]);
  return count;
}
