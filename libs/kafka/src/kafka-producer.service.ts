import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Kafka, Message, Partitioners, Producer, RecordMetadata, TopicMessages } from 'kafkajs';
import { KAFKA } from './kafka.client';

/**
 * The process's Kafka producer. Idempotent (the broker drops a retried duplicate) and every send
 * waits for all in-sync replicas (acks = -1), so an acknowledged message survives a broker crash.
 */
@Injectable()
export class KafkaProducerService implements OnModuleInit, OnApplicationShutdown {
  readonly producer: Producer;

  constructor(@Inject(KAFKA) kafka: Kafka) {
    this.producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      // Murmur2 on the key, as the Java client: the same order id always lands on the same partition.
      createPartitioner: Partitioners.DefaultPartitioner,
      // Bounded: while Kafka is down a purchase must fail within seconds (and be undone), not hang.
      retry: { retries: 5, initialRetryTime: 100, maxRetryTime: 1_000 },
    });
  }

  async onModuleInit(): Promise<void> {
    await this.producer.connect();
  }

  send(topic: string, messages: Message[]): Promise<RecordMetadata[]> {
    return this.producer.send({ topic, messages, acks: -1 });
  }

  /** Several topics in one request (e.g. an order's event and its timeout). */
  sendBatch(topicMessages: TopicMessages[]): Promise<RecordMetadata[]> {
    return this.producer.sendBatch({ topicMessages, acks: -1 });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.producer.disconnect();
  }
}
