import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { Kafka, Partitioners, logLevel } from 'kafkajs';
import { AppConfig } from '@app/config';
import { OrderRequestMessage, TOPICS } from '@app/contracts';
import { STOCK_SCRIPTS, reserveKeys } from '@app/stock';

/** The gateway's reservation script with the gateway's keys (limits off), reservedAt within one second. */
export async function reserveAll(
  redisUrl: string,
  activityId: number,
  runId: string,
  n: number,
): Promise<OrderRequestMessage[]> {
  const script = STOCK_SCRIPTS.reserve;
  const redis = new Redis(redisUrl);
  const start = Date.now();
  const requests: OrderRequestMessage[] = [];
  try {
    await redis.script('LOAD', script.source);
    for (let i = 0; i < n; i += 1_000) {
      const batch = Array.from({ length: Math.min(1_000, n - i) }, (_, j) => {
        const userId = `${runId}-${i + j}`;
        const reservedAt = start + Math.floor(((i + j) * 1000) / n);
        return { orderId: randomUUID(), activityId, userId, quantity: 1, reservedAt };
      });
      const codes = await Promise.all(
        batch.map(async (r) => {
          const keys = reserveKeys(activityId, r.userId);
          const args = [r.orderId, r.userId, 1, r.reservedAt, '', activityId, 0, 0, 0, 0, 0]; // limits off
          return ((await redis.evalsha(script.sha, keys.length, ...keys, ...args)) as [string])[0];
        }),
      );
      const refused = codes.filter((c) => c !== 'OK');
      if (refused.length) throw new Error(`reserve.lua refused ${refused.length} of the wave: ${refused[0]}`);
      requests.push(...batch);
    }
    return requests;
  } finally {
    redis.disconnect();
  }
}

/** Every order request at once, 1,000 per send, as the gateway would have published them. */
export async function produceAll(config: AppConfig, requests: OrderRequestMessage[]): Promise<void> {
  const kafka = new Kafka({
    clientId: 'bench-wave',
    brokers: config.KAFKA_BROKERS,
    logLevel: logLevel.NOTHING,
  });
  const producer = kafka.producer({ idempotent: true, createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  try {
    for (let i = 0; i < requests.length; i += 1_000) {
      const messages = requests
        .slice(i, i + 1_000)
        .map((r) => ({ key: r.orderId, value: JSON.stringify(r) }));
      await producer.send({ topic: TOPICS.orderRequests, messages, acks: -1 });
    }
  } finally {
    await producer.disconnect();
  }
}
