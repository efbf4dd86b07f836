import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { OrderStatus, queryRows } from '@app/database';

/** An order whose stock is to go back to Redis. */
export interface OrderToRelease {
  id: string;
  activityId: number;
  userId: string;
  quantity: number;
}

/** An order this process has just moved from PENDING to CANCELLED. */
export interface CancelledOrder extends OrderToRelease {
  /** cancelled_at - expires_at: how late the cancellation came. */
  latenessSeconds: number;
}

export interface OrderSnapshot extends OrderToRelease {
  status: OrderStatus;
  stockReleased: boolean;
  /** Until expires_at by the database clock; 0 once expired. */
  remainingMs: number;
}

const CANCELLED_COLUMNS = `id, activity_id AS "activityId", user_id AS "userId", quantity,
  EXTRACT(EPOCH FROM cancelled_at - expires_at)::float8 AS "latenessSeconds"`;

/**
 * The SQL of cancellation. Every write is conditional on the current status, so pay and cancel
 * (and two cancellers) race safely: whoever's UPDATE matches the PENDING row wins, the other matches nothing.
 */
@Injectable()
export class CancellationRepository {
  constructor(private readonly db: DataSource) {}

  /** Cancels the order if it is still PENDING and expired by the database clock; null otherwise. */
  async cancelIfExpired(orderId: string): Promise<CancelledOrder | null> {
    const [order] = await queryRows<CancelledOrder>(
      this.db,
      `UPDATE orders SET status = 'CANCELLED', cancelled_at = now()
        WHERE id = $1 AND status = 'PENDING' AND expires_at <= now()
        RETURNING ${CANCELLED_COLUMNS}`,
      [orderId],
    );
    return order ?? null;
  }

  /**
   * Cancels up to `limit` PENDING orders expired for longer than `graceMs` (their timeout message
   * is late or lost). SKIP LOCKED lets several instances sweep without waiting on each other.
   */
  cancelExpired(graceMs: number, limit: number): Promise<CancelledOrder[]> {
    return queryRows<CancelledOrder>(
      this.db,
      `UPDATE orders SET status = 'CANCELLED', cancelled_at = now()
        WHERE id IN (SELECT id FROM orders
                      WHERE status = 'PENDING' AND expires_at < now() - $1 * interval '1 millisecond'
                      ORDER BY expires_at LIMIT $2 FOR UPDATE SKIP LOCKED)
          AND status = 'PENDING'
        RETURNING ${CANCELLED_COLUMNS}`,
      [graceMs, limit],
    );
  }

  /** Cancelled orders whose release did not complete (the canceller died between the two steps). */
  findUnreleased(graceMs: number, limit: number): Promise<OrderToRelease[]> {
    return queryRows<OrderToRelease>(
      this.db,
      `SELECT id, activity_id AS "activityId", user_id AS "userId", quantity FROM orders
        WHERE status = 'CANCELLED' AND stock_released_at IS NULL
          AND cancelled_at < now() - $1 * interval '1 millisecond'
        ORDER BY cancelled_at LIMIT $2`,
      [graceMs, limit],
    );
  }

  async find(orderId: string): Promise<OrderSnapshot | null> {
    const [order] = await queryRows<OrderSnapshot>(
      this.db,
      `SELECT id, activity_id AS "activityId", user_id AS "userId", quantity, status,
              stock_released_at IS NOT NULL AS "stockReleased",
              GREATEST(0, EXTRACT(EPOCH FROM expires_at - now()) * 1000)::float8 AS "remainingMs"
         FROM orders WHERE id = $1`,
      [orderId],
    );
    return order ?? null;
  }

  /** Records that the stock is back; true only for the call that recorded it. */
  async markReleased(orderId: string): Promise<boolean> {
    const rows = await queryRows(
      this.db,
      `UPDATE orders SET stock_released_at = now()
        WHERE id = $1 AND status = 'CANCELLED' AND stock_released_at IS NULL RETURNING id`,
      [orderId],
    );
    return rows.length > 0;
  }
}
