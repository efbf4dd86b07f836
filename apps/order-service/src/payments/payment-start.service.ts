import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@app/config';
import { PaymentStatus, paymentsTable } from '@app/database';
import { counter } from '@app/observability';
import { notPayable } from '../orders/order.view';
import { OrdersService } from '../orders/orders.service';
import { PaymentProviderClient } from './payment-provider.client';

const started = counter('payment_starts_total', 'Payments started at the provider, by outcome', ['outcome']);

/** What the buyer needs to complete the payment at the provider (201 of POST /api/orders/:id/payments). */
export interface StartedPayment {
  paymentId: string;
  orderId: string;
  status: PaymentStatus;
  amount: number;
  currency: string;
  clientSecret: string;
  completeUrl: string;
  /** pay before this, or the payment will be refunded */
  payBy: Date;
}

/**
 * Paying an order starts a payment at the provider and answers at once: the order becomes PAID only when
 * the provider's signed callback says the money was captured. Nothing is written before the provider has
 * answered, so a provider that is down means a 503 and no trace; the idempotency key (the order id and the
 * buyer's attempt) makes a retry after a lost answer the same payment, not a second one.
 */
@Injectable()
export class PaymentStartService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly orders: OrdersService,
    private readonly provider: PaymentProviderClient,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async start(orderId: string, userId: string, attempt = 'first'): Promise<StartedPayment> {
    const order = await this.orders.get(orderId, userId);
    if (order.status !== 'PENDING' || order.expiresAt.getTime() <= Date.now()) {
      started.inc({ outcome: 'refused' });
      throw notPayable(order);
    }
    const amount = order.quantity * this.config.PAYMENT_UNIT_PRICE;
    const payment = await this.provider
      .createPayment(`${orderId}:${attempt}`, {
        amount,
        currency: this.config.PAYMENT_CURRENCY,
        reference: orderId,
        description: `order ${orderId} (activity ${order.activityId})`,
      })
      .catch((err) => {
        started.inc({ outcome: 'provider unavailable' });
        throw err;
      });
    await paymentsTable.recordCreated(this.db, payment.id, orderId, payment.amount, payment.currency);
    started.inc({ outcome: 'started' });
    const [{ status }] = await paymentsTable.byId(this.db, payment.id);
    return {
      paymentId: payment.id,
      orderId,
      status,
      amount: payment.amount,
      currency: payment.currency,
      clientSecret: payment.clientSecret,
      completeUrl: payment.completeUrl,
      payBy: order.expiresAt,
    };
  }
}
