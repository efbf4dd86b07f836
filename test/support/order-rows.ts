import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Order, OrderStatus } from '@app/database';

/** An order row written by a spec, as it would be found after some history (the services write none so). */
export type OrderFixture = Pick<Order, 'id' | 'activityId' | 'userId' | 'quantity' | 'status'> &
  Partial<Pick<Order, 'createdAt' | 'expiresAt' | 'paidAt' | 'cancelledAt' | 'stockReleasedAt'>>;

/** A new order of `status`, its times as that status implies: paid or cancelled just now, no stock back. */
export function orderRow(
  activityId: number,
  userId: string,
  status: OrderStatus = 'PENDING',
  quantity = 1,
): Required<OrderFixture> {
  const now = new Date();
  return {
    id: randomUUID(),
    activityId,
    userId,
    quantity,
    status,
    createdAt: now,
    expiresAt: new Date(now.getTime() + 30_000),
    paidAt: status === 'PAID' ? now : null,
    cancelledAt: status === 'CANCELLED' ? now : null,
    stockReleasedAt: null,
  };
}

/** Writes the row as given: the specs set up a ledger's state here, past the services' guards. */
export async function insertOrder(db: DataSource, o: OrderFixture): Promise<void> {
  await db.query(
    `INSERT INTO orders (id, activity_id, user_id, quantity, status, created_at, expires_at, paid_at,
                         cancelled_at, stock_released_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [
      o.id,
      o.activityId,
      o.userId,
      o.quantity,
      o.status,
      o.createdAt ?? new Date(),
      o.expiresAt ?? new Date(Date.now() + 30_000),
      o.paidAt ?? null,
      o.cancelledAt ?? null,
      o.stockReleasedAt ?? null,
    ],
  );
}

/** Sets one timestamp of an order, as a fault or a clock would have left it. */
export async function setOrderTime(
  db: DataSource,
  id: string,
  column: 'expires_at' | 'paid_at' | 'stock_released_at',
  at: Date,
): Promise<void> {
  await db.query(`UPDATE orders SET ${column} = $2 WHERE id = $1`, [id, at]);
}
