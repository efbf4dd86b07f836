import { Injectable } from '@nestjs/common';
import { randomBytes, randomUUID } from 'node:crypto';
import { AppError, notFound } from '@app/common';
import { counter } from '@app/observability';
import { CallbackDeliveries } from '../callbacks/callback-deliveries';
import { ProviderPayment, refundedAmount } from './provider-payment';

const operations = counter('provider_operations_total', 'Payment provider operations by kind', ['kind']);

export interface NewPayment {
  amount: number;
  currency: string;
  reference: string;
  callbackUrl: string;
  capture: 'automatic' | 'manual';
  description: string;
}

export interface Refund {
  id: string;
  paymentId: string;
  amount: number;
  status: 'succeeded';
  createdAt: number;
}

/** What an idempotency key was first used for: the same request again gets the same answer. */
interface KeyUse {
  fingerprint: string;
  resultId: string;
}

const notPossible = (code: string, message: string, p: ProviderPayment) =>
  new AppError(code, 409, message, { status: p.status });

/**
 * The provider's ledger: payments, their refunds, and the idempotency keys of the calls that made them.
 * Like the real ones, a retried call with the same key is answered with the first call's result (never a
 * second payment or refund), and the same key with another request is an error, not a silent reuse.
 */
@Injectable()
export class PaymentBook {
  private readonly payments = new Map<string, ProviderPayment>();
  private readonly refunds = new Map<string, Refund>();
  private readonly keys = new Map<string, KeyUse>();

  constructor(private readonly callbacks: CallbackDeliveries) {}

  /** Returns the payment and whether this call created it (false: a replay of the same key). */
  create(key: string, input: NewPayment): { payment: ProviderPayment; created: boolean } {
    const earlier = this.replay(`payment:${key}`, input);
    if (earlier) return { payment: this.get(earlier), created: false };
    const payment: ProviderPayment = {
      ...input,
      id: `pay_${randomUUID().replaceAll('-', '')}`,
      status: 'requires_action',
      clientSecret: randomBytes(16).toString('hex'),
      createdAt: Date.now(),
      capturedAmount: 0,
      refunds: [],
    };
    this.payments.set(payment.id, payment);
    this.keys.set(`payment:${key}`, { fingerprint: JSON.stringify(input), resultId: payment.id });
    operations.inc({ kind: 'create' });
    return { payment, created: true };
  }

  get(id: string): ProviderPayment {
    const payment = this.payments.get(id);
    if (!payment) throw notFound(`payment ${id}`);
    return payment;
  }

  /**
   * The buyer's step (their bank's answer, in reality): authorised or declined. Automatic capture takes
   * the money at once and tells the merchant; manual capture waits for `capture`.
   */
  complete(id: string, clientSecret: string, outcome: 'succeed' | 'fail'): ProviderPayment {
    const payment = this.get(id);
    if (clientSecret !== payment.clientSecret) throw notFound(`payment ${id}`); // no id probing
    if (payment.status !== 'requires_action') {
      const same = (outcome === 'fail') === (payment.status === 'failed');
      if (same) return payment; // the buyer's page submitted twice
      throw notPossible('PAYMENT_NOT_COMPLETABLE', `payment ${id} is ${payment.status}`, payment);
    }
    operations.inc({ kind: outcome });
    if (outcome === 'fail') {
      payment.status = 'failed';
      this.callbacks.emit('payment.failed', payment);
    } else if (payment.capture === 'manual') {
      payment.status = 'authorized';
    } else {
      this.takeMoney(payment);
    }
    return payment;
  }

  capture(id: string): ProviderPayment {
    const payment = this.get(id);
    if (payment.status === 'succeeded' || payment.status === 'refunded') return payment;
    if (payment.status !== 'authorized') {
      throw notPossible('PAYMENT_NOT_CAPTURABLE', `payment ${id} is ${payment.status}`, payment);
    }
    this.takeMoney(payment);
    return payment;
  }

  /** A refund of the captured money (all of what is left unless `amount` says less). */
  refund(key: string, paymentId: string, amount: number | undefined): { refund: Refund; created: boolean } {
    const earlier = this.replay(`refund:${key}`, { paymentId, amount });
    if (earlier) return { refund: this.refunds.get(earlier)!, created: false };
    const payment = this.get(paymentId);
    const left = payment.capturedAmount - refundedAmount(payment);
    if (payment.capturedAmount === 0 || left === 0) {
      throw notPossible(
        'REFUND_NOT_POSSIBLE',
        `payment ${paymentId} has nothing captured left to refund`,
        payment,
      );
    }
    const value = amount ?? left;
    if (value > left) {
      throw notPossible(
        'REFUND_NOT_POSSIBLE',
        `only ${left} of payment ${paymentId} is left to refund`,
        payment,
      );
    }
    const refund: Refund = {
      id: `re_${randomUUID().replaceAll('-', '')}`,
      paymentId,
      amount: value,
      status: 'succeeded',
      createdAt: Date.now(),
    };
    payment.refunds.push({ id: refund.id, amount: value, createdAt: refund.createdAt });
    if (refundedAmount(payment) === payment.capturedAmount) payment.status = 'refunded';
    this.refunds.set(refund.id, refund);
    this.keys.set(`refund:${key}`, {
      fingerprint: JSON.stringify({ paymentId, amount }),
      resultId: refund.id,
    });
    operations.inc({ kind: 'refund' });
    this.callbacks.emit('payment.refunded', payment, refund.id);
    return { refund, created: true };
  }

  all(): ProviderPayment[] {
    return [...this.payments.values()];
  }

  private takeMoney(payment: ProviderPayment): void {
    payment.status = 'succeeded';
    payment.capturedAmount = payment.amount;
    this.callbacks.emit('payment.succeeded', payment);
  }

  private replay(key: string, request: unknown): string | undefined {
    const use = this.keys.get(key);
    if (!use) return undefined;
    if (use.fingerprint !== JSON.stringify(request)) {
      throw new AppError('IDEMPOTENCY_KEY_REUSED', 409, 'this Idempotency-Key was used for another request');
    }
    return use.resultId;
  }
}
