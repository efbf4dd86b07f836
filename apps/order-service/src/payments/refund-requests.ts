import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@app/config';
import { PeriodicService } from '@app/common';
import { PaymentRow, paymentsTable } from '@app/database';
import { counter } from '@app/observability';
import { PaymentEventsPublisher } from './payment-events.publisher';

const requested = counter('payment_refunds_requested_total', 'Refund commands sent, by why', ['why']);

/** How long a freshly recorded payment's own request has to send its command before the backstop does. */
const GRACE_MS = 2_000;
const INTERVAL_MS = 1_000;
const LIMIT = 500;

/**
 * The compensation step of the saga, at least once. A captured payment the shop cannot keep is recorded
 * REFUND_PENDING in the callback's transaction, then its refund command is sent; this task sends it again
 * for every payment still REFUND_PENDING whose command was never sent (the order-service died in between,
 * Kafka failed) or was sent PAYMENT_REFUND_RETRY_MS ago without the provider confirming (the provider was
 * down). Any number of commands make one refund: they all carry the payment's one idempotency key.
 */
@Injectable()
export class RefundRequests extends PeriodicService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly publisher: PaymentEventsPublisher,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    super('refund requests', INTERVAL_MS);
  }

  protected tick(): Promise<unknown> {
    return this.retryDue();
  }

  /** Sends the commands of `payments` (PAYMENT_REFUND_REQUESTED too, the first time) and records it. */
  async send(payments: PaymentRow[], firstTime: (p: PaymentRow) => boolean): Promise<void> {
    await this.publisher.refundRequested(payments, firstTime);
    await paymentsTable.markRefundCommandSent(
      this.db,
      payments.map((p) => p.id),
    );
  }

  /** One pass of the backstop. Returns how many commands it sent. */
  async retryDue(): Promise<number> {
    const rows = await paymentsTable.refundsDue(
      this.db,
      GRACE_MS,
      this.config.PAYMENT_REFUND_RETRY_MS,
      LIMIT,
    );
    if (rows.length === 0) return 0;
    await this.send(rows, (p) => (p as (typeof rows)[number]).refund_command_sent_at === null);
    for (const p of rows)
      requested.inc({ why: p.refund_command_sent_at === null ? 'never sent' : 'not confirmed' });
    this.logger.warn({ msg: 'refund commands sent by the backstop', count: rows.length });
    return rows.length;
  }
}
