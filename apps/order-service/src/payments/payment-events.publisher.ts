import { Injectable } from '@nestjs/common';
import { Message } from 'kafkajs';
import { PaymentEventMessage, RefundCommandMessage, RefundReason, TOPICS } from '@app/contracts';
import { KafkaProducerService, keyedMessage } from '@app/kafka';
import { PaymentRow } from '@app/database';

/**
 * The saga on Kafka: the refund command (its own topic, keyed by payment id, for the refund worker) and
 * the payment events (the order-events topic, keyed by order id, for any subscriber).
 */
@Injectable()
export class PaymentEventsPublisher {
  constructor(private readonly producer: KafkaProducerService) {}

  /** The refund commands of `payments`, and PAYMENT_REFUND_REQUESTED for those `announce` names, in one request. */
  async refundRequested(payments: PaymentRow[], announce: (p: PaymentRow) => boolean, now = Date.now()) {
    if (payments.length === 0) return;
    const commands: Message[] = payments.map((p) => {
      const command: RefundCommandMessage = { ...this.facts(p), reason: this.reason(p), at: now };
      return keyedMessage(p.id, command);
    });
    const events = payments
      .filter(announce)
      .map((p) => keyedMessage(p.order_id, this.event('PAYMENT_REFUND_REQUESTED', p, now)));
    await this.producer.sendBatch([
      { topic: TOPICS.paymentRefunds, messages: commands },
      ...(events.length > 0 ? [{ topic: TOPICS.orderEvents, messages: events }] : []),
    ]);
  }

  /** PAYMENT_REFUNDED of each of `payments`, in one request. */
  async refunded(payments: PaymentRow[], now = Date.now()): Promise<void> {
    if (payments.length === 0) return;
    await this.producer.send(
      TOPICS.orderEvents,
      payments.map((p) => keyedMessage(p.order_id, this.event('PAYMENT_REFUNDED', p, now))),
    );
  }

  private facts(p: PaymentRow) {
    return { paymentId: p.id, orderId: p.order_id, amount: p.amount, currency: p.currency };
  }

  private reason(p: PaymentRow): RefundReason {
    return p.refund_reason ?? 'ORDER_NOT_PAYABLE';
  }

  private event(type: PaymentEventMessage['type'], p: PaymentRow, at: number): PaymentEventMessage {
    return { type, ...this.facts(p), reason: this.reason(p), at };
  }
}
