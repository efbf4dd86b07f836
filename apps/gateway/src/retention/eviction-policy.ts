import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { RedisService } from '@app/redis';

/** What a maxmemory-policy means for the sale: only `noeviction` keeps every key (null: not readable). */
export function judgeEvictionPolicy(policy: string | null): 'safe' | 'evicts' | 'unknown' {
  if (policy === null) return 'unknown';
  return policy === 'noeviction' ? 'safe' : 'evicts';
}

/**
 * At boot: a Redis that may evict would silently drop stock, reservations or rate-limit state (the
 * `allkeys-*` policies any key, the `volatile-*` ones every key with an expiry: the limits' state and
 * finished activities). REDIS_EVICTION_CHECK=refuse stops the gateway, warn logs and goes on (for a
 * managed Redis that hides CONFIG, the policy cannot be read: always a warning).
 */
@Injectable()
export class EvictionPolicyCheck implements OnModuleInit {
  private readonly logger = new Logger(EvictionPolicyCheck.name);

  constructor(
    private readonly redis: RedisService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    const policy = await this.redis.client
      .config('GET', 'maxmemory-policy')
      .then((reply) => ((reply as string[])[1] ?? null) as string | null)
      .catch(() => null);
    const verdict = judgeEvictionPolicy(policy);
    if (verdict === 'safe') return;
    const msg =
      verdict === 'unknown'
        ? 'the Redis maxmemory-policy cannot be read (CONFIG GET refused): make sure it is noeviction'
        : `Redis maxmemory-policy is ${policy}: it may evict stock and reservations; set noeviction`;
    if (verdict === 'evicts' && this.config.REDIS_EVICTION_CHECK === 'refuse') {
      throw new Error(`${msg} (or REDIS_EVICTION_CHECK=warn)`);
    }
    this.logger.warn({ msg });
  }
}
