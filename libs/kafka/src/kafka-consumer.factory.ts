import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Consumer, ConsumerConfig, ConsumerSubscribeTopics, Kafka } from 'kafkajs';
import { KAFKA } from './kafka.client';

/**
 * Creates consumers and owns them: on shutdown each one is disconnected, which lets the batch
 * being processed finish (and commit) before the process exits.
 */
@Injectable()
export class KafkaConsumerFactory implements OnApplicationShutdown {
  private readonly consumers: Consumer[] = [];

  constructor(@Inject(KAFKA) private readonly kafka: Kafka) {}

  create(config: ConsumerConfig): Consumer {
    const consumer = this.kafka.consumer({
      allowAutoTopicCreation: false,
      // A member that died (kill -9) holds its partitions until its session expires: keep that short.
      sessionTimeout: 10_000,
      heartbeatInterval: 1_000,
      ...config,
    });
    this.consumers.push(consumer);
    return consumer;
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.consumers.map((c) => c.disconnect()));
  }
}

/** How long a subscription may wait for the brokers to learn of topics another process just created. */
const SUBSCRIBE_WITHIN_MS = 30_000;

/**
 * `consumer.subscribe`, again while the broker asked does not know the topics yet: on a new cluster,
 * another service may have created them a moment ago, and their metadata reaches each broker in turn
 * (UNKNOWN_TOPIC_OR_PARTITION, which kafkajs marks retriable).
 */
export async function subscribeWhenKnown(
  consumer: Consumer,
  subscription: ConsumerSubscribeTopics,
): Promise<void> {
  const deadline = Date.now() + SUBSCRIBE_WITHIN_MS;
  for (;;) {
    try {
      return await consumer.subscribe(subscription);
    } catch (err) {
      if (!(err as { retriable?: boolean }).retriable || Date.now() > deadline) throw err;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
