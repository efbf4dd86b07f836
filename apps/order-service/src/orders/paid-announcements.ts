import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { queryRows } from '@app/database';
import { PeriodicService } from '@app/common';
import { counter } from '@app/observability';
import { OrderEventsPublisher } from './order-events.publisher';
import { ORDER_COLUMNS, OrderRow, toOrderView } from './order.view';

const backstopped = counter('order_paid_announced_late_total', 'ORDER_PAID events sent by the backstop');

/** How long a payment's own request has to announce it, how often the backstop looks, how many at once. */
const GRACE_MS = 2_000;
const INTERVAL_MS = 1_000;
const LIMIT = 500;

/**
 * The backstop of ORDER_PAID: a payment commits, then is announced; the order-service dying or Kafka
 * failing in between leaves `paid_announced_at` empty, and this task announces such orders again (at least
 * once: subscribers dedupe by order id, as for every event).
 */
@Injectable()
export class PaidAnnouncements extends PeriodicService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly events: OrderEventsPublisher,
  ) {
    super('paid announcements', INTERVAL_MS);
  }

  protected tick(): Promise<unknown> {
    return this.announceLate();
  }

  async mark(orderIds: string[]): Promise<void> {
    await this.db.query(
      `UPDATE orders SET paid_announced_at = now() WHERE id = ANY($1::uuid[]) AND paid_announced_at IS NULL`,
      [orderIds],
    );
  }

  /** One pass: PAID orders still unannounced GRACE_MS after payment. Returns how many it announced. */
  async announceLate(): Promise<number> {
    const rows = await queryRows<OrderRow>(
      this.db,
      `SELECT ${ORDER_COLUMNS} FROM orders
        WHERE status = 'PAID' AND paid_announced_at IS NULL AND paid_at < now() - $1 * interval '1 millisecond'
        ORDER BY paid_at LIMIT $2`,
      [GRACE_MS, LIMIT],
    );
    if (rows.length === 0) return 0;
    const orders = rows.map(toOrderView);
    await this.events.paid(orders);
    await this.mark(orders.map((o) => o.id));
    backstopped.inc(orders.length);
    this.logger.warn({ msg: 'ORDER_PAID sent by the backstop', count: orders.length });
    return orders.length;
  }
}
