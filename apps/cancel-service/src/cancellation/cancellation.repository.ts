import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CancelledOrder, OrderLine, OrderSnapshot, ordersTable } from '@app/database';

/** An order whose stock is to go back to Redis. */
export type OrderToRelease = OrderLine;
export type { CancelledOrder, OrderSnapshot };

/**
 * What cancellation asks of the orders table (libs/database: its statements and their guards), a statement
 * per batch of orders; the seam the service's unit spec replaces.
 */
@Injectable()
export class CancellationRepository {
  constructor(private readonly db: DataSource) {}

  /** Cancels those of `orderIds` still PENDING and expired by the database clock, in one statement. */
  cancelDue(orderIds: string[]): Promise<CancelledOrder[]> {
    return ordersTable.cancelDue(this.db, orderIds);
  }

  /**
   * Cancels up to `limit` PENDING orders expired for longer than `graceMs` (their timeout message
   * is late or lost). SKIP LOCKED lets several instances sweep without waiting on each other.
   */
  cancelExpired(graceMs: number, limit: number): Promise<CancelledOrder[]> {
    return ordersTable.cancelExpired(this.db, graceMs, limit);
  }

  /** Cancelled orders whose release did not complete (the canceller died between the two steps). */
  findUnreleased(graceMs: number, limit: number): Promise<OrderToRelease[]> {
    return ordersTable.unreleased(this.db, graceMs, limit);
  }

  findMany(orderIds: string[]): Promise<OrderSnapshot[]> {
    return ordersTable.snapshots(this.db, orderIds);
  }

  /** Records that the stock of these cancelled orders is back. */
  async markReleased(orderIds: string[]): Promise<void> {
    await ordersTable.markReleased(this.db, orderIds);
  }
}
