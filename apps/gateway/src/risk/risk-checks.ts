import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { ActivityWindow, ActivityWindows, judgeWindow } from './activity-windows';
import { Blacklist } from './blacklist';
import { GcraLimiter, IpRateLimit } from './client-ip';
import { MEMORY_REFUSALS, Purchase, Refusal, refuse } from '@app/contracts';
import { SoldOutFlags } from './sold-out-flags';

/**
 * The gateway's one source of "now" (epoch ms). The same value decides the in-process checks and is
 * passed to the reservation script, so a purchase is judged against one instant everywhere; tests
 * inject their own clock to step over rate-limit boundaries without sleeping.
 */
export interface Clock {
  now(): number;
}

export const CLOCK = Symbol('CLOCK');
export const systemClock: Clock = { now: () => Date.now() };

/**
 * The in-process half of the risk chain, cheapest first; the rest (per-user limit, admission bucket)
 * runs inside the reservation script, in the same Redis round trip as the reservation:
 *
 *   1. sale window         in-process copy of the activity        NOT_STARTED / ENDED (409), NOT_FOUND
 *   2. sold-out flag       in-process, synced by pub/sub          SOLD_OUT (409)
 *   3. blacklist           in-process copy, synced by pub/sub     BLOCKED (403)
 *   4. per-IP rate limit   in-process GCRA, per gateway instance  RATE_LIMITED (429)
 *                          (an IPv6 client by its /64: client-ip.ts)
 *   5. per-user rate limit reserve.lua, GCRA per activity         RATE_LIMITED (429)
 *   6. admission bucket    reserve.lua, token bucket per activity RATE_LIMITED (429)
 *
 * The per-IP limit is in-process: an IP is not scoped to one activity, so in Redis it would live outside
 * the activity's hash slot (a second round trip in Redis Cluster); here it costs nothing and stops an IP
 * flood before Redis. Its price: each gateway instance counts on its own (N instances admit up to N times
 * the rate; a load balancer with client-IP affinity makes it exact).
 */
@Injectable()
export class RiskChecks {
  private readonly ipLimits: IpRateLimit;
  private readonly lookups: GcraLimiter;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly windows: ActivityWindows,
    private readonly soldOut: SoldOutFlags,
    private readonly blacklist: Blacklist,
  ) {
    this.ipLimits = new IpRateLimit(config);
    this.lookups = new GcraLimiter(
      { perSecond: config.RATE_LIMIT_LOOKUP_PER_SECOND, burst: config.RATE_LIMIT_LOOKUP_BURST },
      1,
    );
  }

  /**
   * The refusal of the first check that fails, or undefined: admitted to the reservation script. In
   * process only: the activity's window is the caller's (cachedWindow, or `window` on first sight).
   */
  screen(p: Purchase, window: ActivityWindow | null): Refusal | undefined {
    const verdict = judgeWindow(window, p.now);
    if (verdict === 'NOT_FOUND') return refuse(verdict, 'memory', { activityId: p.activityId });
    if (verdict !== 'OPEN') return MEMORY_REFUSALS[verdict];
    // A retry with an Idempotency-Key goes on to Redis: it must get its first answer (202 and the same
    // order id), not SOLD_OUT. It still meets every other check, so the key buys a bot nothing.
    if (p.idempotencyKey === undefined && this.soldOut.isSoldOut(p.activityId))
      return MEMORY_REFUSALS.SOLD_OUT;
    const blocked = this.blacklist.blocked(p.userId, p.ip);
    if (blocked) return blocked === 'user' ? MEMORY_REFUSALS.BLOCKED_USER : MEMORY_REFUSALS.BLOCKED_IP;
    return this.limitIp(p.ip, p.now);
  }

  /**
   * An activity this instance has not cached costs a Redis read: the caller's per-IP limit and a limit on
   * such reads across all callers come first (rotating ids, or addresses, cannot drive unbounded reads).
   */
  private beforeLookup(ip: string, now: number): Refusal | undefined {
    const limited = this.limitIp(ip, now);
    if (limited) return limited;
    const wait = this.lookups.take('lookup', now);
    return wait > 0 ? refuse('LOOKUP_LIMITED', 'memory', { retryAfterMs: wait }) : undefined;
  }

  private limitIp(ip: string, now: number): Refusal | undefined {
    const wait = this.ipLimits.take(ip, now);
    return wait > 0 ? refuse('RATE_LIMITED_IP', 'memory', { retryAfterMs: wait }) : undefined;
  }

  /**
   * The activity's window when this instance has it in memory (null: known not to exist) — every purchase
   * but an instance's first of an activity, answered without awaiting; undefined: ask `window`.
   */
  cachedWindow(activityId: number): ActivityWindow | null | undefined {
    return this.windows.cached(activityId);
  }

  /**
   * The activity's window, read from Redis if need be (concurrent first purchases share one read), or the
   * refusal of the limits that guard such reads: the caller's per-IP limit, then a limit on reads across
   * all callers.
   */
  async window(activityId: number, now: number, ip: string): Promise<ActivityWindow | null | Refusal> {
    const cached = this.windows.cached(activityId);
    if (cached !== undefined) return cached;
    if (this.windows.needsRead(activityId)) {
      const limited = this.beforeLookup(ip, now);
      if (limited) return limited;
    }
    return this.windows.get(activityId);
  }

  /** Forgets rested IPs (called by the periodic refresh). */
  prune(now: number): void {
    this.ipLimits.prune(now);
  }
}
