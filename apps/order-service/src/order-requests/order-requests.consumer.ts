import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Consumer, EachBatchPayload, KafkaMessage } from 'kafkajs';
import { OrderRequestMessage, TOPICS, decodeMessage, orderRequestSchema } from '@app/contracts';
import { DeadLetterPublisher, KafkaConsumerFactory, subscribeWhenKnown } from '@app/kafka';
import { CORRELATION_HEADER, histogram, withCorrelation } from '@app/observability';
import { OrderIntakeService } from './order-intake.service';

const CHUNK = 1_000;
const correlationOf = (message: KafkaMessage) => message.headers?.[CORRELATION_HEADER]?.toString();
const batchSeconds = histogram(
  'order_request_batch_seconds',
  'Time to turn one chunk of requests into orders',
);

/**
 * Consumes order requests in batches (eachBatch). Offsets are resolved only after the chunk's orders
 * are committed in PostgreSQL, so a crash anywhere means redelivery, never loss; the intake is
 * idempotent, so redelivery means no duplicate.
 */
@Injectable()
export class OrderRequestsConsumer implements OnApplicationBootstrap {
  private readonly logger = new Logger(OrderRequestsConsumer.name);
  private readonly consumer: Consumer;

  constructor(
    factory: KafkaConsumerFactory,
    private readonly intake: OrderIntakeService,
    private readonly deadLetters: DeadLetterPublisher,
  ) {
    this.consumer = factory.create({ groupId: 'order-service', maxWaitTimeInMs: 100 });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.consumer.connect();
    await subscribeWhenKnown(this.consumer, { topics: [TOPICS.orderRequests], fromBeginning: true });
    await this.consumer.run({
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 3,
      eachBatch: (payload) => this.handle(payload),
    });
  }

  private async handle({
    batch,
    resolveOffset,
    heartbeat,
    isRunning,
    isStale,
  }: EachBatchPayload): Promise<void> {
    for (let i = 0; i < batch.messages.length; i += CHUNK) {
      if (!isRunning() || isStale()) return;
      const chunk = batch.messages.slice(i, i + CHUNK);
      const timer = batchSeconds.startTimer();
      const requests: OrderRequestMessage[] = [];
      const byOrderId = new Map<string, KafkaMessage>();
      for (const message of chunk) {
        const decoded = decodeMessage(orderRequestSchema, message.value);
        if (!decoded.ok) {
          await withCorrelation(correlationOf(message), () =>
            this.deadLetters.send(batch.topic, batch.partition, message, decoded.reason),
          );
        } else {
          requests.push(decoded.value);
          byOrderId.set(decoded.value.orderId, message);
        }
      }
      // One chunk holds many buyers' requests: each log line and message about an order carries the id
      // of the request it came from (a lookup), the chunk's own lines a fresh one.
      const correlationOfOrder = (orderId: string) => {
        const message = byOrderId.get(orderId);
        return message && correlationOf(message);
      };
      await withCorrelation(undefined, async () => {
        const rejections = await this.intake.accept(requests, correlationOfOrder);
        for (const { orderId, reason } of rejections) {
          await withCorrelation(correlationOfOrder(orderId), () =>
            this.deadLetters.send(batch.topic, batch.partition, byOrderId.get(orderId)!, reason),
          );
        }
        this.logger.debug({ msg: 'order requests handled', partition: batch.partition, count: chunk.length });
      });
      timer();
      resolveOffset(chunk[chunk.length - 1].offset);
      await heartbeat();
    }
  }
}
