import { randomUUID } from 'node:crypto';
import { Kafka, Partitioners, logLevel } from 'kafkajs';
import { Throughput, round, timed } from './timing';

/** A record shaped like one order request, keyed by its order id (the micro-benchmarks' message). */
export function benchOrderRequest(): { key: string; value: string } {
  const orderId = randomUUID();
  const value = {
    orderId,
    activityId: 1,
    userId: `bench-${orderId.slice(0, 8)}`,
    quantity: 1,
    reservedAt: Date.now(),
  };
  return { key: orderId, value: JSON.stringify(value) };
}

export interface ProduceBench {
  oneByOne: Throughput;
  batched: Throughput & { batchSize: number };
  ratio: number;
}

/**
 * Why the gateway micro-batches: the same acks=all producer as the services (not kafkajs' idempotent one,
 * see libs/kafka/src/kafka-producer.service.ts), sending
 * order-request-sized messages to a throwaway topic one per request (a round trip and a replicated
 * append each) vs `batchSize` per request. The topic is deleted afterwards.
 */
export async function benchKafkaProduce(
  brokers: string[],
  { partitions = 6, oneByOne = 1_000, batched = 20_000, batchSize = 500 } = {},
): Promise<ProduceBench> {
  const kafka = new Kafka({ clientId: 'bench', brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  const topic = `bench.produce.${process.pid}.${Date.now()}`;
  const producer = kafka.producer({
    idempotent: false,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions: partitions }], waitForLeaders: true });
    await producer.connect();
    await producer.send({ topic, messages: [benchOrderRequest()], acks: -1 }); // warm-up: metadata, producer id
    const single = await timed(oneByOne, async () => {
      for (let i = 0; i < oneByOne; i++)
        await producer.send({ topic, messages: [benchOrderRequest()], acks: -1 });
    });
    const batch = await timed(batched, async () => {
      for (let i = 0; i < batched; i += batchSize) {
        const messages = Array.from({ length: Math.min(batchSize, batched - i) }, benchOrderRequest);
        await producer.send({ topic, messages, acks: -1 });
      }
    });
    return {
      oneByOne: single,
      batched: { ...batch, batchSize },
      ratio: round(batch.perSecond / single.perSecond, 1),
    };
  } finally {
    await producer.disconnect();
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  }
}
