import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { queryRows } from '@app/database';
import { counter } from '@app/observability';
import { AnnouncementBackstop } from '../orders/announcement-backstop';
import { PAYMENT_COLUMNS, PaymentRow } from '../orders/payment.row';
import { PaymentEventsPublisher } from './payment-events.publisher';

const backstopped = counter(
  'payment_refunded_announced_late_total',
  'PAYMENT_REFUNDED events sent by the backstop',
);

/** The backstop of PAYMENT_REFUNDED: REFUNDED payments whose `refund_announced_at` is still empty. */
@Injectable()
export class RefundAnnouncements extends AnnouncementBackstop<PaymentRow> {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly events: PaymentEventsPublisher,
  ) {
    super('PAYMENT_REFUNDED', backstopped);
  }

  protected unannounced(graceMs: number, limit: number): Promise<PaymentRow[]> {
    return queryRows<PaymentRow>(
      this.db,
      `SELECT ${PAYMENT_COLUMNS} FROM payments
        WHERE status = 'REFUNDED' AND refund_announced_at IS NULL
          AND refunded_at < now() - $1 * interval '1 millisecond'
        ORDER BY refunded_at LIMIT $2`,
      [graceMs, limit],
    );
  }

  protected send(payments: PaymentRow[]): Promise<void> {
    return this.events.refunded(payments);
  }

  async mark(paymentIds: string[]): Promise<void> {
    await this.db.query(
      `UPDATE payments SET refund_announced_at = now() WHERE id = ANY($1) AND refund_announced_at IS NULL`,
      [paymentIds],
    );
  }
}
