import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { PaymentRow, paymentsTable } from '@app/database';
import { counter } from '@app/observability';
import { AnnouncementBackstop } from '../orders/announcement-backstop';
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
    return paymentsTable.refundedUnannounced(this.db, graceMs, limit);
  }

  protected send(payments: PaymentRow[]): Promise<void> {
    return this.events.refunded(payments);
  }

  async mark(paymentIds: string[]): Promise<void> {
    await paymentsTable.markRefundAnnounced(this.db, paymentIds);
  }
}
