import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Consumer, ConsumerConfig, Kafka } from 'kafkajs';
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
