import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { HealthRegistry } from '@app/observability';
import { RedisClient, createRedisClient } from './redis-client';

/**
 * The process's Redis connection, owned here: connected on init, quit on shutdown.
 * The offline queue is off so that, while Redis is down, a command fails at once (the gateway answers 503
 * quickly instead of queueing buyers in memory), and a command unanswered after REDIS_COMMAND_TIMEOUT_MS
 * fails too (a frozen Redis). A command whose connection dropped before its reply is failed, never re-sent
 * behind the caller's back: its caller alone knows whether running it twice is safe, and the gateway, which
 * has already answered 503 by then, abandons such an attempt instead (AbandonedAttempts).
 */
@Injectable()
export class RedisService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(RedisService.name);
  readonly client: RedisClient;

  constructor(@Inject(APP_CONFIG) config: AppConfig, health: HealthRegistry) {
    this.client = createRedisClient(config, {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      autoResendUnfulfilledCommands: false,
      // Commands issued in one turn of the event loop go out in one write: under a burst, one system call
      // carries hundreds of reservations instead of one each.
      enableAutoPipelining: true,
      commandTimeout: config.REDIS_COMMAND_TIMEOUT_MS,
      connectTimeout: 2_000,
      retryStrategy: (attempt) => Math.min(attempt * 100, 1_000),
      // A server that restarted answers while it loads its data: the ready check asks again this often,
      // not after the server's own estimate (at least 1 s, up to 10 s in ioredis). Redis is back the
      // moment it is loaded, so every service is too, and the rebuild check runs at once (RedisRebuild).
      maxLoadingRetryTime: 100,
    });
    this.client.on('error', (err) => this.logger.warn({ msg: 'redis connection error', err: err.message }));
    health.register('redis', () => this.client.ping());
  }

  async onModuleInit(): Promise<void> {
    await this.client.connect();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client.quit().catch(() => this.client.disconnect());
  }
}
