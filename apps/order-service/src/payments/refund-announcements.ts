import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { PeriodicService } from '@app/common';
import { queryRows } from '@app/database';
import { counter } from '@app/observability';
import { PAYMENT_COLUMNS, PaymentRow } from './payment.row';
import { PaymentEventsPublisher } from './payment-events.publisher';

const backstopped = counter(
  'payment_refunded_announced_late_total',
  'PAYMENT_REFUNDED events sent by the backstop',
);

/** How long a refund's own confirmation has to announce it, how often the backstop looks, how many at once. */
const GRACE_MS = 2_000;
const INTERVAL_MS = 1_000;
const LIMIT = 500;

/**
 * The backstop of PAYMENT_REFUNDED: a refund commits (REFUNDED), then is announced; the order-service
 * dying or Kafka failing in between leaves `refund_announced_at` empty, and this task announces such
 * payments again (at least once: subscribers dedupe by payment id, as for every event).
 */
@Injectable()
export class RefundAnnouncements extends PeriodicService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly events: PaymentEventsPublisher,
  ) {
    super('refund announcements', INTERVAL_MS);
  }

  protected tick(): Promise<unknown> {
    return this.announceLate();
  }

  /** PAYMENT_REFUNDED for `payment`, then marked announced (what the refund's own path does). */
  async announce(payment: PaymentRow): Promise<void> {
    await this.events.refunded([payment]);
    await this.mark([payment.id]);
  }

  /** One pass: REFUNDED payments still unannounced GRACE_MS after the refund. Returns how many it announced. */
  async announceLate(): Promise<number> {
    const rows = await queryRows<PaymentRow>(
      this.db,
      `SELECT ${PAYMENT_COLUMNS} FROM payments
        WHERE status = 'REFUNDED' AND refund_announced_at IS NULL
          AND refunded_at < now() - $1 * interval '1 millisecond'
        ORDER BY refunded_at LIMIT $2`,
      [GRACE_MS, LIMIT],
    );
    if (rows.length === 0) return 0;
    await this.events.refunded(rows);
    await this.mark(rows.map((p) => p.id));
    backstopped.inc(rows.length);
    this.logger.warn({ msg: 'PAYMENT_REFUNDED sent by the backstop', count: rows.length });
    return rows.length;
  }

  private async mark(paymentIds: string[]): Promise<void> {
    await this.db.query(
      `UPDATE payments SET refund_announced_at = now() WHERE id = ANY($1) AND refund_announced_at IS NULL`,
      [paymentIds],
    );
  }
}
