import { BeforeApplicationShutdown, Inject, Injectable } from '@nestjs/common';
import { Message } from 'kafkajs';
import { APP_CONFIG, AppConfig } from '@app/config';
import { OrderRequestMessage, TOPICS } from '@app/contracts';
import { KafkaProducerService } from '@app/kafka';
import { CORRELATION_HEADER, currentCorrelationId, histogram } from '@app/observability';

interface Pending {
  message: Message;
  resolve: () => void;
  reject: (err: unknown) => void;
}

const batchSize = histogram(
  'order_request_batch_size',
  'Order requests per Kafka send',
  [],
  [1, 5, 10, 50, 100, 250, 500, 1000],
);

/**
 * Micro-batching: purchases arriving within PUBLISH_LINGER_MS (or while the previous send is in flight)
 * go to Kafka in one request; each purchase's promise settles on that request's ack (acks = all).
 * One send at a time keeps the idempotent producer's ordering and lets batches grow under load.
 */
@Injectable()
export class OrderRequestPublisher implements BeforeApplicationShutdown {
  private queue: Pending[] = [];
  private timer?: NodeJS.Timeout;
  private flushing?: Promise<void>;

  constructor(
    private readonly producer: KafkaProducerService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  publish(request: OrderRequestMessage): Promise<void> {
    const correlationId = currentCorrelationId();
    const message: Message = {
      key: request.orderId,
      value: JSON.stringify(request),
      headers: correlationId ? { [CORRELATION_HEADER]: correlationId } : undefined,
    };
    return new Promise((resolve, reject) => {
      // The buyer waits at most PUBLISH_TIMEOUT_MS: while Kafka is down, kafkajs would retry for much longer.
      // If the ack comes after the timeout, the reservation is already undone and the order-service skips it.
      let settled = false;
      const settle = (fn: () => void) => () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        fn();
      };
      const timer = setTimeout(
        settle(() => reject(new Error('Kafka did not acknowledge in time'))),
        this.config.PUBLISH_TIMEOUT_MS,
      );
      this.queue.push({ message, resolve: settle(resolve), reject: (err) => settle(() => reject(err))() });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.flushing || this.timer) return;
    if (this.queue.length >= this.config.PUBLISH_MAX_BATCH || this.config.PUBLISH_LINGER_MS === 0) {
      this.flushing = this.flush();
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flushing = this.flush();
    }, this.config.PUBLISH_LINGER_MS);
  }

  private async flush(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.config.PUBLISH_MAX_BATCH);
      batchSize.observe(batch.length);
      try {
        await this.producer.send(
          TOPICS.orderRequests,
          batch.map((p) => p.message),
        );
        for (const p of batch) p.resolve();
      } catch (err) {
        for (const p of batch) p.reject(err);
      }
    }
    this.flushing = undefined;
  }

  /** Graceful shutdown: whatever was accepted is sent (or failed and undone) before the producer closes. */
  async beforeApplicationShutdown(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.flushing;
    if (this.queue.length > 0) await (this.flushing = this.flush());
  }
}
