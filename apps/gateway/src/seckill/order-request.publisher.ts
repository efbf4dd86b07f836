import { BeforeApplicationShutdown, Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { OrderRequestMessage, TOPICS } from '@app/contracts';
import { BatchedSender, KafkaProducerService, keyedMessage } from '@app/kafka';
import { histogram } from '@app/observability';

const batchSize = histogram(
  'order_request_batch_size',
  'Order requests per Kafka send',
  [],
  [1, 5, 10, 50, 100, 250, 500, 1000],
);

/**
 * Hands admitted purchases to Kafka, micro-batched: many purchases per request (PUBLISH_LINGER_MS,
 * PUBLISH_MAX_BATCH), each resolved on the ack (acks = all). A buyer waits at most PUBLISH_TIMEOUT_MS:
 * while Kafka is down kafkajs would retry much longer; if the ack comes after that, the reservation has been
 * undone meanwhile and the order-service skips the request.
 */
@Injectable()
export class OrderRequestPublisher implements BeforeApplicationShutdown {
  private readonly sender: BatchedSender;

  constructor(producer: KafkaProducerService, @Inject(APP_CONFIG) config: AppConfig) {
    this.sender = new BatchedSender(producer, TOPICS.orderRequests, {
      lingerMs: config.PUBLISH_LINGER_MS,
      maxBatch: config.PUBLISH_MAX_BATCH,
      timeoutMs: config.PUBLISH_TIMEOUT_MS,
      onBatch: (size) => batchSize.observe(size),
    });
  }

  publish(request: OrderRequestMessage): Promise<void> {
    return this.sender.send(keyedMessage(request.orderId, request));
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.sender.drain();
  }
}
