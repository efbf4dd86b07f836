import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ordersTable, paymentsTable } from '@app/database';
import { notFound } from '@app/common';
import { counter } from '@app/observability';
import { OrderView, notPayable, toOrderView } from './order.view';
import { PaidAnnouncements } from './paid-announcements';
import { toPaymentView } from './payment.row';

const payments = counter('order_payments_total', 'Payment attempts by outcome', ['outcome']);

@Injectable()
export class OrdersService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly announced: PaidAnnouncements,
  ) {}

  /** Only the owner sees an order; to anyone else it does not exist (no id probing). */
  async get(id: string, userId: string): Promise<OrderView> {
    const [row] = await ordersTable.owned(this.db, id, userId);
    if (!row) throw notFound(`order ${id}`);
    const payments = await paymentsTable.ofOrder(this.db, id);
    return { ...toOrderView(row), payments: payments.map(toPaymentView) };
  }

  /**
   * The synchronous shortcut (POST /api/orders/:id/pay): the order is PAID at once, no provider involved —
   * as if the money were captured on the spot. Kept for the load tests and the specs of the pay-vs-cancel
   * race, which need no money; a real payment goes through the provider (PaymentStartService and the
   * callback), and reconcile counts shortcut payments apart (orders.payment_id is NULL).
   *
   * Pay-vs-cancel is decided by the database: both are conditional UPDATEs on `status = 'PENDING'`
   * (an optimistic lock on the status), so exactly one of them can win, and a 200 here is final.
   */
  async pay(id: string, userId: string): Promise<OrderView> {
    const [paid] = await ordersTable.payNow(this.db, id, userId);
    if (!paid) {
      const current = await this.get(id, userId);
      payments.inc({ outcome: 'refused' });
      throw notPayable(current);
    }
    payments.inc({ outcome: 'paid' });
    const order = toOrderView(paid);
    // The payment is committed: the answer does not wait for Kafka. ORDER_PAID is sent meanwhile; a lost
    // or late one is sent again by PaidAnnouncements, since paid_announced_at stays empty until it is out.
    void this.announced.announceOrLeave([order]);
    return order;
  }
}
