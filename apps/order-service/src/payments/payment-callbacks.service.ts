import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { PaymentCallback, RefundReason } from '@app/contracts';
import { TransactionQuery, inTransaction } from '@app/database';
import { counter } from '@app/observability';
import { ORDER_COLUMNS, OrderRow, toOrderView } from '../orders/order.view';
import { PaidAnnouncements } from '../orders/paid-announcements';
import { PAYMENT_COLUMNS, PaymentRow } from '../orders/payment.row';
import { RefundAnnouncements } from './refund-announcements';
import { RefundRequests } from './refund-requests';

const callbacks = counter('payment_callbacks_total', 'Provider callbacks applied, by outcome', ['outcome']);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What one callback did, once committed. */
export type CallbackOutcome =
  | { kind: 'duplicate' }
  | { kind: 'unchanged' }
  | { kind: 'paid'; order: OrderRow }
  | { kind: 'refund'; payment: PaymentRow }
  | { kind: 'failed' }
  | { kind: 'refunded'; payment: PaymentRow };

/**
 * Applies the provider's callbacks, each exactly once (by its event id, in the transaction that applies
 * it). A captured payment pays its order with the same conditional UPDATE as ever (PENDING and not
 * expired: it cannot win against the cancellation); when the order cannot take it — cancelled, expired,
 * paid already, or unknown — the payment is recorded REFUND_PENDING in that same transaction, and the
 * refund command follows (the saga's compensation; RefundRequests repeats it until the provider confirms).
 */
@Injectable()
export class PaymentCallbacksService {
  private readonly logger = new Logger(PaymentCallbacksService.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly announced: PaidAnnouncements,
    private readonly refunds: RefundRequests,
    private readonly refundsAnnounced: RefundAnnouncements,
  ) {}

  async apply(event: PaymentCallback): Promise<CallbackOutcome> {
    const outcome = await inTransaction(this.db, (q) => this.record(q, event));
    callbacks.inc({ outcome: outcome.kind });
    // Committed: what follows only announces it, and each step has its backstop if it fails here.
    try {
      if (outcome.kind === 'paid') {
        await this.announced.announce([toOrderView(outcome.order)]);
      } else if (outcome.kind === 'refund') {
        this.logger.warn({
          msg: 'captured payment to refund',
          paymentId: outcome.payment.id,
          reason: outcome.payment.refund_reason,
        });
        await this.refunds.send([outcome.payment], () => true);
      } else if (outcome.kind === 'refunded') {
        await this.refundsAnnounced.announce([outcome.payment]);
      }
    } catch (err) {
      this.logger.error({
        msg: 'payment applied, its message not sent yet',
        eventId: event.id,
        err: (err as Error).message,
      });
    }
    return outcome;
  }

  private async record(q: TransactionQuery, event: PaymentCallback): Promise<CallbackOutcome> {
    const { paymentId, reference, amount, currency } = event.data;
    const fresh = await q(
      `INSERT INTO payment_events (id, payment_id, type) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING RETURNING id`,
      [event.id, paymentId, event.type],
    );
    if (fresh.length === 0) return { kind: 'duplicate' };
    // The shop may never have heard of this payment (its answer to the creation was lost): recorded now.
    await q(
      `INSERT INTO payments (id, order_id, amount, currency, status) VALUES ($1, $2, $3, $4, 'CREATED')
       ON CONFLICT (id) DO NOTHING`,
      [paymentId, reference, amount, currency],
    );
    const [payment] = await q<PaymentRow>(
      `SELECT ${PAYMENT_COLUMNS} FROM payments WHERE id = $1 FOR UPDATE`,
      [paymentId],
    );
    switch (event.type) {
      case 'payment.succeeded':
        return this.captured(q, payment);
      case 'payment.failed': {
        const failed = await q(
          `UPDATE payments SET status = 'FAILED' WHERE id = $1 AND status = 'CREATED' RETURNING id`,
          [paymentId],
        );
        return failed.length > 0 ? { kind: 'failed' } : { kind: 'unchanged' };
      }
      case 'payment.refunded': {
        const [refunded] = await q<PaymentRow>(
          `UPDATE payments SET status = 'REFUNDED', refund_id = $2, refunded_at = now()
            WHERE id = $1 AND status <> 'REFUNDED' RETURNING ${PAYMENT_COLUMNS}`,
          [paymentId, event.data.refundId ?? null],
        );
        return refunded ? { kind: 'refunded', payment: refunded } : { kind: 'unchanged' };
      }
    }
  }

  private async captured(q: TransactionQuery, payment: PaymentRow): Promise<CallbackOutcome> {
    // Another event already told of this capture (or of its refund): nothing new.
    if (payment.status !== 'CREATED' && payment.status !== 'FAILED') return { kind: 'unchanged' };
    const isOrderId = UUID.test(payment.order_id);
    const [paid] = isOrderId
      ? await q<OrderRow>(
          `UPDATE orders SET status = 'PAID', paid_at = now(), payment_id = $2
            WHERE id = $1 AND status = 'PENDING' AND expires_at > now()
            RETURNING ${ORDER_COLUMNS}`,
          [payment.order_id, payment.id],
        )
      : [];
    if (paid) {
      await q(`UPDATE payments SET status = 'CAPTURED', captured_at = now() WHERE id = $1`, [payment.id]);
      return { kind: 'paid', order: paid };
    }
    const [order] = isOrderId
      ? await q<{ status: string }>('SELECT status FROM orders WHERE id = $1', [payment.order_id])
      : [];
    const reason: RefundReason = !order
      ? 'UNKNOWN_ORDER'
      : order.status === 'PAID'
        ? 'ALREADY_PAID'
        : 'ORDER_NOT_PAYABLE';
    const [toRefund] = await q<PaymentRow>(
      `UPDATE payments SET status = 'REFUND_PENDING', captured_at = now(), refund_requested_at = now(),
              refund_reason = $2
        WHERE id = $1 RETURNING ${PAYMENT_COLUMNS}`,
      [payment.id, reason],
    );
    return { kind: 'refund', payment: toRefund };
  }
}
