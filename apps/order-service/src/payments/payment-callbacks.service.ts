import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { PaymentCallback, RefundReason } from '@app/contracts';
import {
  Order,
  PaymentRow,
  TransactionQuery,
  inTransaction,
  ordersTable,
  paymentsTable,
} from '@app/database';
import { counter } from '@app/observability';
import { toOrderView } from '../orders/order.view';
import { PaidAnnouncements } from '../orders/paid-announcements';
import { RefundAnnouncements } from './refund-announcements';
import { RefundRequests } from './refund-requests';

const callbacks = counter('payment_callbacks_total', 'Provider callbacks applied, by outcome', ['outcome']);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What one callback did, once committed. */
export type CallbackOutcome =
  | { kind: 'duplicate' }
  | { kind: 'unchanged' }
  | { kind: 'paid'; order: Order }
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
    if (!(await paymentsTable.recordEvent(q, event.id, paymentId, event.type))) return { kind: 'duplicate' };
    // The shop may never have heard of this payment (its answer to the creation was lost): recorded now.
    await paymentsTable.recordCreated(q, paymentId, reference, amount, currency);
    const [payment] = await paymentsTable.lock(q, paymentId);
    switch (event.type) {
      case 'payment.succeeded':
        return this.captured(q, payment);
      case 'payment.failed':
        return (await paymentsTable.fail(q, paymentId)) ? { kind: 'failed' } : { kind: 'unchanged' };
      case 'payment.refunded': {
        const [refunded] = await paymentsTable.refunded(q, paymentId, event.data.refundId ?? null);
        return refunded ? { kind: 'refunded', payment: refunded } : { kind: 'unchanged' };
      }
    }
  }

  private async captured(q: TransactionQuery, payment: PaymentRow): Promise<CallbackOutcome> {
    // Another event already told of this capture (or of its refund): nothing new.
    if (payment.status !== 'CREATED' && payment.status !== 'FAILED') return { kind: 'unchanged' };
    const isOrderId = UUID.test(payment.order_id);
    const [paid] = isOrderId ? await ordersTable.payWith(q, payment.order_id, payment.id) : [];
    if (paid) {
      await paymentsTable.capture(q, payment.id);
      return { kind: 'paid', order: paid };
    }
    const [order] = isOrderId ? await ordersTable.statusOf(q, payment.order_id) : [];
    const reason: RefundReason = !order
      ? 'UNKNOWN_ORDER'
      : order.status === 'PAID'
        ? 'ALREADY_PAID'
        : 'ORDER_NOT_PAYABLE';
    const [toRefund] = await paymentsTable.toRefund(q, payment.id, reason);
    return { kind: 'refund', payment: toRefund };
  }
}
