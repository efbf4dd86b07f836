import { DataSource } from 'typeorm';
import { RedisClient, createRedisClient } from '@app/redis';
import { AppConfig, loadConfig } from '@app/config';
import { createDataSource } from '@app/database';

/**
 * Runs a CLI's work against Redis and PostgreSQL, then closes both. Redis fails fast: a checker that
 * retries forever would hang the end of a test run. ioredis reports the cause (e.g. ECONNREFUSED) as an
 * event and rejects connect() with a vaguer error, so the cause is what the error says.
 */
export async function withStores<T>(
  work: (stores: { config: AppConfig; redis: RedisClient; db: DataSource }) => Promise<T>,
): Promise<T> {
  const config = loadConfig();
  const redis = createRedisClient(config, {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    retryStrategy: () => null,
  });
  let cause: Error | undefined;
  redis.on('error', (err) => (cause = err));
  let db: DataSource | undefined;
  try {
    await redis.connect().catch((err) => {
      throw new Error(`redis: ${(cause ?? err).message}`);
    });
    db = await createDataSource(config).initialize();
    return await work({ config, redis, db });
  } finally {
    await db?.destroy();
    await redis.quit().catch(() => redis.disconnect());
  }
}
