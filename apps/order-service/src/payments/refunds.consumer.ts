import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Consumer, EachMessagePayload } from 'kafkajs';
import { DataSource } from 'typeorm';
import { TOPICS, decodeMessage, refundCommandSchema } from '@app/contracts';
import { paymentsTable } from '@app/database';
import { DeadLetterPublisher, KafkaConsumerFactory } from '@app/kafka';
import { counter, histogram } from '@app/observability';
import { PaymentProviderClient } from './payment-provider.client';
import { RefundAnnouncements } from './refund-announcements';

const refunds = counter('payment_refunds_total', 'Refund commands handled, by outcome', ['outcome']);
const refundSeconds = histogram(
  'payment_refund_seconds',
  'From the payment recorded REFUND_PENDING to the refund confirmed',
  [],
  [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
);

/**
 * The refund worker: one command, one call to the provider under the payment's refund key, then the
 * payment REFUNDED (a conditional UPDATE: a duplicate command, or the provider's own payment.refunded
 * callback arriving first, changes nothing). A provider that fails leaves the payment REFUND_PENDING for
 * RefundRequests to ask again: the partition is never held up by one refund.
 */
@Injectable()
export class RefundsConsumer implements OnApplicationBootstrap {
  private readonly logger = new Logger(RefundsConsumer.name);
  private readonly consumer: Consumer;

  constructor(
    factory: KafkaConsumerFactory,
    @InjectDataSource() private readonly db: DataSource,
    private readonly provider: PaymentProviderClient,
    private readonly announcements: RefundAnnouncements,
    private readonly deadLetters: DeadLetterPublisher,
  ) {
    this.consumer = factory.create({ groupId: 'order-service.refunds', maxWaitTimeInMs: 100 });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [TOPICS.paymentRefunds], fromBeginning: true });
    await this.consumer.run({
      partitionsConsumedConcurrently: 3,
      eachMessage: (payload) => this.handle(payload),
    });
  }

  private async handle({ topic, partition, message }: EachMessagePayload): Promise<void> {
    const decoded = decodeMessage(refundCommandSchema, message.value);
    if (!decoded.ok) return this.deadLetters.send(topic, partition, message, decoded.reason);
    const { paymentId } = decoded.value;
    const [payment] = await paymentsTable.byId(this.db, paymentId);
    if (payment?.status !== 'REFUND_PENDING') {
      refunds.inc({ outcome: 'nothing to do' });
      return;
    }
    try {
      const refund = await this.provider.refund(paymentId);
      await this.confirm(paymentId, refund.id);
    } catch (err) {
      refunds.inc({ outcome: 'provider failed' });
      this.logger.warn({
        msg: 'refund not confirmed yet, asked again later',
        paymentId,
        err: (err as Error).message,
      });
    }
  }

  /** The provider confirmed: REFUNDED once, and PAYMENT_REFUNDED by whoever made that change. */
  async confirm(paymentId: string, refundId: string): Promise<void> {
    const [refunded] = await paymentsTable.confirmRefund(this.db, paymentId, refundId);
    if (!refunded) return;
    refunds.inc({ outcome: 'refunded' });
    refundSeconds.observe((Date.now() - refunded.refund_requested_at.getTime()) / 1000);
    // Committed: if the event is lost here, RefundAnnouncements sends it later.
    await this.announcements.announceOrLeave([refunded]);
  }
}
