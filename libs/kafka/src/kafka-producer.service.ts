import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Kafka, Message, Producer, RecordMetadata, TopicMessages } from 'kafkajs';
import { KAFKA } from './kafka.client';
import { KeyPartitioner } from './key-partitioner';

/**
 * The process's Kafka producer: every send waits for all in-sync replicas (acks = -1), so an acknowledged
 * message survives a broker crash. Delivery is at least once and every consumer is idempotent (order id as
 * the key of every write), so a retried duplicate is harmless.
 *
 * Not kafkajs' idempotent producer: kafkajs 2.2.4 rolls a partition's sequence number back on any error,
 * including a connection lost after the broker wrote the batch, so the next send after a failed one can be
 * taken by the broker for a duplicate (acknowledged, never written: silent loss) or answered
 * OUT_OF_ORDER_SEQUENCE_NUMBER, fatal for every later send to that partition (tulios/kafkajs#598).
 * Duplicates are cheaper to handle than either.
 */
@Injectable()
export class KafkaProducerService implements OnModuleInit, OnApplicationShutdown {
  readonly producer: Producer;

  constructor(@Inject(KAFKA) kafka: Kafka) {
    this.producer = kafka.producer({
      idempotent: false,
      allowAutoTopicCreation: false,
      // Murmur2 on the key, as the Java client: the same order id always lands on the same partition.
      createPartitioner: KeyPartitioner,
      // Bounded: a send that cannot succeed fails within seconds; its caller has a backstop (the gateway's
      // recovery, a consumer's redelivery of the uncommitted batch).
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
