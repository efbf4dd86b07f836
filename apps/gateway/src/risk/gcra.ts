import { AppConfig } from '@app/config';
import { ipLimitKey } from './client-ip';

/**
 * GCRA (generic cell rate algorithm), the rate limiter of the per-IP check; reserve.lua runs the same
 * formula for the per-user check. Why GCRA: one number of state per key (the theoretical arrival time,
 * TAT), an exact steady rate with a burst allowance, and no boundary effect — a fixed window admits twice
 * its limit across a window edge, a sliding log keeps one entry per request.
 *
 * Each admitted request pushes TAT one interval (1/rate) further; a request is admitted while TAT, after
 * that push, is at most `burst` intervals ahead of now. Refusals leave the state alone (no penalty).
 */
export interface RateLimit {
  /** steady requests per second; 0 turns the limit off */
  perSecond: number;
  /** requests admitted at once from a rested state */
  burst: number;
}

export class GcraLimiter {
  private readonly tat = new Map<string, number>();
  private readonly interval: number;

  constructor(
    private readonly limit: RateLimit,
    /** keys tracked at most: beyond it the least indebted are forgotten (memory stays bounded under a flood) */
    private readonly maxKeys = 100_000,
  ) {
    this.interval = limit.perSecond > 0 ? 1000 / limit.perSecond : 0;
  }

  /** @returns 0 when admitted, else how long (ms) until this key would be admitted */
  take(key: string, now: number): number {
    if (this.interval === 0) return 0;
    const next = Math.max(this.tat.get(key) ?? now, now) + this.interval;
    const admittedFrom = next - this.interval * this.limit.burst;
    if (now < admittedFrom) return Math.ceil(admittedFrom - now);
    if (!this.tat.has(key) && this.tat.size >= this.maxKeys) this.makeRoom(now);
    this.tat.set(key, next);
    return 0;
  }

  /** Drops keys that are fully rested (TAT in the past): they behave exactly like unknown keys. */
  prune(now: number): void {
    for (const [key, tat] of this.tat) if (tat <= now) this.tat.delete(key);
  }

  get size(): number {
    return this.tat.size;
  }

  /**
   * Forgets rested keys, else the tenth of the keys with the earliest TAT: those closest to rested, so
   * forgetting them gives the least back. Forgetting the oldest inserted instead let a throttled address
   * be reset by any 100k fresh ones (rotating IPv6 addresses cost nothing). Sorting 100k numbers once per
   * tenth of the table filled keeps the cost per new key small.
   */
  private makeRoom(now: number): void {
    this.prune(now);
    if (this.tat.size < this.maxKeys) return;
    const tats = Float64Array.from(this.tat.values()).sort();
    const cut = tats[Math.max(0, Math.floor(tats.length / 10) - 1)];
    for (const [key, tat] of this.tat) if (tat <= cut) this.tat.delete(key);
  }
}

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
