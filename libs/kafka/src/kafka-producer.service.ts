import { randomInt } from 'node:crypto';
import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { ICustomPartitioner, Kafka, Message, Producer, RecordMetadata, TopicMessages } from 'kafkajs';
import { KAFKA } from './kafka.client';

const SEED = 0x9747b28c | 0;
const M = 0x5bd1e995;

/** The 32-bit murmur2 of Kafka's Java client (Utils.murmur2), on 32-bit integers (Math.imul). */
export function murmur2(data: Buffer): number {
  const length = data.length;
  let h = SEED ^ length;
  const whole = length & ~3;
  for (let i = 0; i < whole; i += 4) {
    let k = data[i] | (data[i + 1] << 8) | (data[i + 2] << 16) | (data[i + 3] << 24);
    k = Math.imul(k, M);
    k ^= k >>> 24;
    h = Math.imul(h, M) ^ Math.imul(k, M);
  }
  const tail = length & 3;
  if (tail > 0) {
    if (tail === 3) h ^= data[whole + 2] << 16;
    if (tail >= 2) h ^= data[whole + 1] << 8;
    h = Math.imul(h ^ data[whole], M);
  }
  h ^= h >>> 13;
  h = Math.imul(h, M);
  return (h ^ (h >>> 15)) | 0;
}

/**
 * kafkajs' DefaultPartitioner (as the Java client: murmur2 of the key, modulo the partition count; keyless
 * messages round-robin over the partitions that have a leader), with the same partition for every key, at a
 * fraction of its cost: kafkajs computes murmur2 on emulated 64-bit integers, and lists the available
 * partitions for every message. Two records per order cross it in the order-service.
 */
export const KeyPartitioner: ICustomPartitioner = () => {
  const counters = new Map<string, number>();
  return ({ topic, partitionMetadata, message }) => {
    if (message.partition !== null && message.partition !== undefined) return message.partition;
    const { key } = message;
    if (key !== null && key !== undefined)
      return (
        (murmur2(Buffer.isBuffer(key) ? key : Buffer.from(String(key))) & 0x7fffffff) %
        partitionMetadata.length
      );
    const next = (counters.get(topic) ?? randomInt(2 ** 31)) + 1;
    counters.set(topic, next);
    const available = partitionMetadata.filter((p) => p.leader >= 0);
    if (available.length === 0) return (next & 0x7fffffff) % partitionMetadata.length;
    return available[(next & 0x7fffffff) % available.length].partitionId;
  };
};

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
