import { BeforeApplicationShutdown, Injectable } from '@nestjs/common';
import { Message } from 'kafkajs';
import { OrderEventMessage, TOPICS } from '@app/contracts';
import { KafkaProducerService } from '@app/kafka';
import { CORRELATION_HEADER, currentCorrelationId } from '@app/observability';
import { OrderToRelease } from './cancellation.repository';

interface Pending {
  message: Message;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/** At most this many events per Kafka request. */
const MAX_BATCH = 500;

/**
 * Tells any subscriber that an order was cancelled (keyed by order id, so per-order events stay ordered).
 * Events raised while a send is in flight go out together in the next one: a burst of expiring orders
 * costs a few Kafka round trips, not one each (the producer sends one request at a time). Each caller's
 * promise settles on the ack of the request that carried its event.
 */
@Injectable()
export class OrderEventsPublisher implements BeforeApplicationShutdown {
  private queue: Pending[] = [];
  private flushing?: Promise<void>;

  constructor(private readonly producer: KafkaProducerService) {}

  cancelled(order: OrderToRelease): Promise<void> {
    const event: OrderEventMessage = {
      type: 'ORDER_CANCELLED',
      orderId: order.id,
      activityId: order.activityId,
      userId: order.userId,
      quantity: order.quantity,
      at: Date.now(),
    };
    const correlationId = currentCorrelationId();
    const message: Message = {
      key: order.id,
      value: JSON.stringify(event),
      headers: correlationId ? { [CORRELATION_HEADER]: correlationId } : undefined,
    };
    return new Promise((resolve, reject) => {
      this.queue.push({ message, resolve, reject });
      this.flushing ??= this.flush();
    });
  }

  /** Sends until the queue is empty; only then (same tick as the last check) may a new flush start. */
  private async flush(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, MAX_BATCH);
      try {
        await this.producer.send(
          TOPICS.orderEvents,
          batch.map((p) => p.message),
        );
        for (const p of batch) p.resolve();
      } catch (err) {
        for (const p of batch) p.reject(err);
      }
    }
    this.flushing = undefined;
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.flushing;
  }
}
