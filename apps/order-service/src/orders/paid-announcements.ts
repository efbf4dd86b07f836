import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { queryRows } from '@app/database';
import { counter } from '@app/observability';
import { AnnouncementBackstop } from './announcement-backstop';
import { OrderEventsPublisher } from './order-events.publisher';
import { ORDER_COLUMNS, OrderRow, OrderView, toOrderView } from './order.view';

const backstopped = counter('order_paid_announced_late_total', 'ORDER_PAID events sent by the backstop');

/** The backstop of ORDER_PAID: PAID orders whose `paid_announced_at` is still empty. */
@Injectable()
export class PaidAnnouncements extends AnnouncementBackstop<OrderView> {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly events: OrderEventsPublisher,
  ) {
    super('ORDER_PAID', backstopped);
  }

  protected async unannounced(graceMs: number, limit: number): Promise<OrderView[]> {
    const rows = await queryRows<OrderRow>(
      this.db,
      `SELECT ${ORDER_COLUMNS} FROM orders
        WHERE status = 'PAID' AND paid_announced_at IS NULL AND paid_at < now() - $1 * interval '1 millisecond'
        ORDER BY paid_at LIMIT $2`,
      [graceMs, limit],
    );
    return rows.map(toOrderView);
  }

  protected send(orders: OrderView[]): Promise<void> {
    return this.events.paid(orders);
  }

  async mark(orderIds: string[]): Promise<void> {
    await this.db.query(
      `UPDATE orders SET paid_announced_at = now() WHERE id = ANY($1::uuid[]) AND paid_announced_at IS NULL`,
      [orderIds],
    );
  }
}
