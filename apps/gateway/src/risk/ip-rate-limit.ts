import { AppConfig } from '@app/config';
import { ipLimitKey } from './client-ip';
import { GcraLimiter } from './gcra';

/**
 * The per-IP limit (RATE_LIMIT_IP_*), of purchases (RiskChecks) and of the public reads (ReadLimitGuard):
 * an IPv4 client by its address, an IPv6 client by its network (RATE_LIMIT_IPV6_PREFIX, a /64 by
 * default), so that rotating through the addresses of one network buys nothing. In process, per instance.
 */
export class IpRateLimit {
  private readonly limiter: GcraLimiter;
  private readonly ipv6Prefix: number;

  constructor(
    config: Pick<AppConfig, 'RATE_LIMIT_IP_PER_SECOND' | 'RATE_LIMIT_IP_BURST' | 'RATE_LIMIT_IPV6_PREFIX'>,
  ) {
    this.limiter = new GcraLimiter({
      perSecond: config.RATE_LIMIT_IP_PER_SECOND,
      burst: config.RATE_LIMIT_IP_BURST,
    });
    this.ipv6Prefix = config.RATE_LIMIT_IPV6_PREFIX;
  }

  /** @returns 0 when admitted, else how long (ms) until this client would be */
  take(ip: string, now: number): number {
    return this.limiter.take(ipLimitKey(ip, this.ipv6Prefix), now);
  }

  /** Forgets rested clients. */
  prune(now: number): void {
    this.limiter.prune(now);
  }
}
