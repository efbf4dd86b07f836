import { BeforeApplicationShutdown, Injectable } from '@nestjs/common';
import { OrderEventMessage, TOPICS } from '@app/contracts';
import { BatchedSender, KafkaProducerService, keyedMessage } from '@app/kafka';
import { OrderLine } from '@app/database';

/**
 * Tells any subscriber that an order was cancelled (keyed by order id, so per-order events stay ordered).
 * A batch of cancellations and any events raised while a send is in flight go out together: a wave of
 * expiring orders costs a few Kafka round trips, not one each.
 */
@Injectable()
export class CancellationEventsPublisher implements BeforeApplicationShutdown {
  private readonly sender: BatchedSender;

  constructor(producer: KafkaProducerService) {
    this.sender = new BatchedSender(producer, TOPICS.orderEvents, { lingerMs: 0, maxBatch: 500 });
  }

  /** ORDER_CANCELLED of each order, with the correlation id of what cancelled it when there is one. */
  async cancelled(orders: OrderLine[], correlationIds: ReadonlyMap<string, string>): Promise<void> {
    const at = Date.now();
    await Promise.all(
      orders.map((order) => {
        const event: OrderEventMessage = {
          type: 'ORDER_CANCELLED',
          orderId: order.id,
          activityId: order.activityId,
          userId: order.userId,
          quantity: order.quantity,
          at,
        };
        return this.sender.send(keyedMessage(order.id, event, correlationIds.get(order.id)));
      }),
    );
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.sender.drain();
  }
}
