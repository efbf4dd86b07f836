import { AppConfig } from '@app/config';
import { benchKafkaProduce } from './kafka-produce';
import { benchPgInsert } from './pg-insert';
import { benchReserve } from './redis-reserve';

/** The micro-benchmarks: why the gateway batches its sends, the order-service its INSERTs, and Redis' ceiling. */
export async function micro(config: AppConfig) {
  return {
    kafkaProduce: await benchKafkaProduce(config.KAFKA_BROKERS, {
      partitions: config.KAFKA_TOPIC_PARTITIONS,
    }),
    pgInsert: await benchPgInsert(config.DATABASE_URL),
    reserve: await benchReserve(config.REDIS_URL, [
      config.RATE_LIMIT_USER_PER_SECOND,
      config.RATE_LIMIT_USER_BURST,
      config.ADMISSION_RATE_PER_SECOND,
      config.ADMISSION_BURST,
    ]),
  };
}
