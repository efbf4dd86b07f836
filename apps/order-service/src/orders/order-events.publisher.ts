import { Inject, Injectable } from '@nestjs/common';
import { Message, TopicMessages } from 'kafkajs';
import { APP_CONFIG, AppConfig } from '@app/config';
import { OrderEventMessage, OrderTimeoutMessage, TOPICS, delayLevelFor, timeoutTopic } from '@app/contracts';
import { KafkaProducerService, keyedMessage } from '@app/kafka';
import { OrderLine } from '@app/database';

export interface OrderFacts extends OrderLine {
  expiresAt: Date;
}

/**
 * Order events (for any subscriber: 解耦) and payment timeouts (for the cancel-service), keyed by
 * order id so every message about one order stays in order on one partition.
 */
@Injectable()
export class OrderEventsPublisher {
  constructor(
    private readonly producer: KafkaProducerService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * ORDER_CREATED plus the payment timeout of each new order, in one Kafka request. Each message carries
   * the correlation id of the request that created its order (`correlationOf`), not the batch's.
   */
  async created(
    orders: OrderFacts[],
    now = Date.now(),
    correlationOf: (orderId: string) => string | undefined = () => undefined,
  ): Promise<void> {
    if (orders.length === 0) return;
    const byTopic = new Map<string, Message[]>();
    const events: Message[] = [];
    for (const o of orders) {
      const dueAt = o.expiresAt.getTime();
      const topic = timeoutTopic(delayLevelFor(dueAt - now, this.config.TIMEOUT_DELAY_LEVELS_SECONDS));
      const timeout: OrderTimeoutMessage = { orderId: o.id, activityId: o.activityId, dueAt };
      const correlationId = correlationOf(o.id);
      const message = keyedMessage(o.id, timeout, correlationId);
      const messages = byTopic.get(topic);
      if (messages) messages.push(message);
      else byTopic.set(topic, [message]);
      events.push(keyedMessage(o.id, this.event('ORDER_CREATED', o, now), correlationId));
    }
    const topicMessages: TopicMessages[] = [{ topic: TOPICS.orderEvents, messages: events }];
    for (const [topic, messages] of byTopic) topicMessages.push({ topic, messages });
    await this.producer.sendBatch(topicMessages);
  }

  /** ORDER_PAID of each order, in one Kafka request. */
  async paid(orders: OrderFacts[], now = Date.now()): Promise<void> {
    if (orders.length === 0) return;
    await this.producer.send(
      TOPICS.orderEvents,
      orders.map((o) => keyedMessage(o.id, this.event('ORDER_PAID', o, now))),
    );
  }

  private event(type: OrderEventMessage['type'], o: OrderFacts, at: number): OrderEventMessage {
    return { type, orderId: o.id, activityId: o.activityId, userId: o.userId, quantity: o.quantity, at };
  }
}
