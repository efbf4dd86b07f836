import Redis from 'ioredis';
import { AppConfig } from '@app/config';
import { benchKafkaClients } from './kafka-clients';
import { benchKafkaProduce } from './kafka-produce';
import { benchPgInsert } from './pg-insert';
import { ReserveBench, benchReserve } from './redis-reserve';

/** The micro-benchmarks: why the gateway batches its sends, the order-service its INSERTs, and Redis' ceiling. */
export async function micro(config: AppConfig) {
  const limits = [
    config.RATE_LIMIT_USER_PER_SECOND,
    config.RATE_LIMIT_USER_BURST,
    config.ADMISSION_RATE_PER_SECOND,
    config.ADMISSION_BURST,
    config.CLOCK_SKEW_MAX_MS,
  ] as const;
  return {
    kafkaProduce: await benchKafkaProduce(config.KAFKA_BROKERS, {
      partitions: config.KAFKA_TOPIC_PARTITIONS,
    }),
    kafkaClients: await benchKafkaClients(config.KAFKA_BROKERS, config.KAFKA_TOPIC_PARTITIONS),
    pgInsert: await benchPgInsert(config.DATABASE_URL),
    reserve: await benchReserve(config.REDIS_URL, [...limits]),
    reserveFsyncAlways: await withAppendfsyncAlways(config.REDIS_URL, () =>
      benchReserve(config.REDIS_URL, [...limits]),
    ),
  };
}

/**
 * The durability of a 202 is the reservation's: `reserve.lua` again with every write fsynced before Redis
 * answers (`appendfsync always`), then the setting put back. Only with AOF on (scripts/infra.sh turns it on).
 */
async function withAppendfsyncAlways(
  redisUrl: string,
  measure: () => Promise<ReserveBench>,
): Promise<(ReserveBench & { appendfsync: string }) | { skipped: string }> {
  const redis = new Redis(redisUrl);
  try {
    const [, aof] = (await redis.config('GET', 'appendonly')) as [string, string];
    if (aof !== 'yes') return { skipped: 'Redis runs without AOF (appendonly no)' };
    const [, before] = (await redis.config('GET', 'appendfsync')) as [string, string];
    await redis.config('SET', 'appendfsync', 'always');
    try {
      return { ...(await measure()), appendfsync: 'always' };
    } finally {
      await redis.config('SET', 'appendfsync', before);
    }
  } finally {
    redis.disconnect();
  }
}
