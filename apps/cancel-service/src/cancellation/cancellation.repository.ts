import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { OrderLine, OrderStatus, queryRows } from '@app/database';

/** An order whose stock is to go back to Redis. */
export type OrderToRelease = OrderLine;

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
 * The SQL of cancellation, a statement per batch of orders. Every write is conditional on the current
 * status, so pay and cancel (and two cancellers) race safely: whoever's UPDATE matches the PENDING row
 * wins, the other matches nothing.
 */
@Injectable()
export class CancellationRepository {
  constructor(private readonly db: DataSource) {}

  /** Cancels those of `orderIds` still PENDING and expired by the database clock, in one statement. */
  cancelDue(orderIds: string[]): Promise<CancelledOrder[]> {
    return queryRows<CancelledOrder>(
      this.db,
      `UPDATE orders SET status = 'CANCELLED', cancelled_at = now()
        WHERE id = ANY($1::uuid[]) AND status = 'PENDING' AND expires_at <= now()
        RETURNING ${CANCELLED_COLUMNS}`,
      [orderIds],
    );
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

  findMany(orderIds: string[]): Promise<OrderSnapshot[]> {
    return queryRows<OrderSnapshot>(
      this.db,
      `SELECT id, activity_id AS "activityId", user_id AS "userId", quantity, status,
              stock_released_at IS NOT NULL AS "stockReleased",
              GREATEST(0, EXTRACT(EPOCH FROM expires_at - now()) * 1000)::float8 AS "remainingMs"
         FROM orders WHERE id = ANY($1::uuid[])`,
      [orderIds],
    );
  }

  /** Records that the stock of these cancelled orders is back. */
  async markReleased(orderIds: string[]): Promise<void> {
    await this.db.query(
      `UPDATE orders SET stock_released_at = now()
        WHERE id = ANY($1::uuid[]) AND status = 'CANCELLED' AND stock_released_at IS NULL`,
      [orderIds],
    );
  }
}
