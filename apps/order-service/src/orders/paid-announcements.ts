import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ordersTable } from '@app/database';
import { counter } from '@app/observability';
import { AnnouncementBackstop } from './announcement-backstop';
import { OrderEventsPublisher } from './order-events.publisher';
import { OrderView, toOrderView } from './order.view';

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
    return (await ordersTable.paidUnannounced(this.db, graceMs, limit)).map(toOrderView);
  }

  protected send(orders: OrderView[]): Promise<void> {
    return this.events.paid(orders);
  }

  async mark(orderIds: string[]): Promise<void> {
    await ordersTable.markPaidAnnounced(this.db, orderIds);
  }
}
