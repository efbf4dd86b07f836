import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { ActivityWindow, ActivityWindows, judgeWindow } from './activity-windows';
import { Blacklist } from './blacklist';
import { GcraLimiter } from './gcra';
import { IpRateLimit } from './ip-rate-limit';
import { MEMORY_REFUSALS, Refusal, refuse } from '../purchase-core/refusal';
import { SoldOutFlags } from './sold-out-flags';

export interface PurchaseAttempt {
  activityId: number;
  userId: string;
  ip: string;
  now: number;
  /** carries an Idempotency-Key: a retry must get its first answer, which only Redis knows */
  idempotent: boolean;
}

/**
 * The in-process half of the risk chain, cheapest first; the rest (per-user limit, admission bucket)
 * runs inside the reservation script, in the same Redis round trip as the reservation:
 *
 *   1. sale window         in-process copy of the activity        NOT_STARTED / ENDED (409), NOT_FOUND
 *   2. sold-out flag       in-process, synced by pub/sub          SOLD_OUT (409)
 *   3. blacklist           in-process copy, synced by pub/sub     BLOCKED (403)
 *   4. per-IP rate limit   in-process GCRA, per gateway instance  RATE_LIMITED (429)
 *                          (an IPv6 client by its /64: ip-rate-limit.ts)
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
   * The refusal of the first check that fails, or undefined: admitted to the reservation script. Touches
   * Redis only on the first purchase of an activity this instance has never seen (to learn its window),
   * behind the limits that guard such reads, and returns a promise only then.
   */
  screen(a: PurchaseAttempt): Refusal | undefined | Promise<Refusal | undefined> {
    const lookup = this.windows.needsRead(a.activityId);
    if (lookup) {
      const limited = this.beforeLookup(a);
      if (limited) return limited;
    }
    const window = this.windows.get(a.activityId);
    if (window instanceof Promise) return window.then((w) => this.judge(a, w, lookup));
    return this.judge(a, window, lookup);
  }

  private judge(a: PurchaseAttempt, window: ActivityWindow | null, limited: boolean): Refusal | undefined {
    const verdict = judgeWindow(window, a.now);
    if (verdict === 'NOT_FOUND') return refuse(verdict, 'memory', { activityId: a.activityId });
    if (verdict !== 'OPEN') return MEMORY_REFUSALS[verdict];
    // A retry with an Idempotency-Key goes on to Redis: it must get its first answer (202 and the same
    // order id), not SOLD_OUT. It still meets every other check, so the key buys a bot nothing.
    if (!a.idempotent && this.soldOut.isSoldOut(a.activityId)) return MEMORY_REFUSALS.SOLD_OUT;
    const blocked = this.blacklist.blocked(a.userId, a.ip);
    if (blocked) return blocked === 'user' ? MEMORY_REFUSALS.BLOCKED_USER : MEMORY_REFUSALS.BLOCKED_IP;
    return limited ? undefined : this.limitIp(a);
  }

  /**
   * An activity this instance has not cached costs a Redis read: the caller's per-IP limit and a limit on
   * such reads across all callers come first (rotating ids, or addresses, cannot drive unbounded reads).
   */
  private beforeLookup(a: Pick<PurchaseAttempt, 'ip' | 'now'>): Refusal | undefined {
    const limited = this.limitIp(a);
    if (limited) return limited;
    const wait = this.lookups.take('lookup', a.now);
    return wait > 0 ? refuse('LOOKUP_LIMITED', 'memory', { retryAfterMs: wait }) : undefined;
  }

  private limitIp(a: Pick<PurchaseAttempt, 'ip' | 'now'>): Refusal | undefined {
    const wait = this.ipLimits.take(a.ip, a.now);
    return wait > 0 ? refuse('RATE_LIMITED_IP', 'memory', { retryAfterMs: wait }) : undefined;
  }

  /**
   * The activity's window for a check that runs before `screen` (the purchase token), or the refusal of
   * the limits `screen` would put in front of reading it: cached, or read behind those limits.
   */
  window(
    activityId: number,
    now: number,
    ip: () => string,
  ): ActivityWindow | null | Refusal | Promise<ActivityWindow | null> {
    const cached = this.windows.cached(activityId);
    if (cached !== undefined) return cached;
    if (this.windows.needsRead(activityId)) {
      const limited = this.beforeLookup({ ip: ip(), now });
      if (limited) return limited;
    }
    return this.windows.get(activityId);
  }

  /** Forgets rested IPs (called by the periodic refresh). */
  prune(now: number): void {
    this.ipLimits.prune(now);
  }
}
