import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { ActivityWindow, ActivityWindows, judgeWindow } from './activity-windows';
import { Blacklist } from './blacklist';
import { GcraLimiter } from './gcra';
import { refuse } from './refusal';
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
  private readonly ipLimits: GcraLimiter;
  private readonly lookups: GcraLimiter;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly windows: ActivityWindows,
    private readonly soldOut: SoldOutFlags,
    private readonly blacklist: Blacklist,
  ) {
    this.ipLimits = new GcraLimiter({
      perSecond: config.RATE_LIMIT_IP_PER_SECOND,
      burst: config.RATE_LIMIT_IP_BURST,
    });
    this.lookups = new GcraLimiter(
      { perSecond: config.RATE_LIMIT_LOOKUP_PER_SECOND, burst: config.RATE_LIMIT_LOOKUP_BURST },
      1,
    );
  }

  /**
   * Throws the refusal of the first check that fails. Touches Redis only on the first purchase of an
   * activity this instance has never seen (to learn its window).
   */
  async screen(a: PurchaseAttempt): Promise<void> {
    const limitedFirst = this.windows.needsRead(a.activityId);
    if (limitedFirst) this.beforeLookup(a);
    const verdict = judgeWindow(await this.windows.get(a.activityId), a.now);
    if (verdict !== 'OPEN') throw refuse(verdict, 'memory', { activityId: a.activityId });
    // A retry with an Idempotency-Key goes on to Redis: it must get its first answer (202 and the same
    // order id), not SOLD_OUT. It still meets every other check, so the key buys a bot nothing.
    if (!a.idempotent && this.soldOut.isSoldOut(a.activityId)) throw refuse('SOLD_OUT', 'memory');
    const blocked = this.blacklist.blocked(a.userId, a.ip);
    if (blocked) throw refuse(blocked === 'user' ? 'BLOCKED_USER' : 'BLOCKED_IP', 'memory');
    if (!limitedFirst) this.limitIp(a);
  }

  /**
   * An activity this instance has not cached costs a Redis read: the caller's per-IP limit and a limit on
   * such reads across all callers come first (rotating ids, or addresses, cannot drive unbounded reads).
   */
  private beforeLookup(a: PurchaseAttempt): void {
    this.limitIp(a);
    const wait = this.lookups.take('lookup', a.now);
    if (wait > 0) throw refuse('LOOKUP_LIMITED', 'memory', { retryAfterMs: wait });
  }

  private limitIp(a: PurchaseAttempt): void {
    const wait = this.ipLimits.take(a.ip, a.now);
    if (wait > 0) throw refuse('RATE_LIMITED_IP', 'memory', { retryAfterMs: wait });
  }

  /**
   * The activity's window for a check that runs before `screen` (the purchase token guard): cached, or
   * read behind the same limits as `screen` would put in front of that read.
   */
  window(
    activityId: number,
    now: number,
    ip: () => string,
  ): ActivityWindow | null | Promise<ActivityWindow | null> {
    const cached = this.windows.cached(activityId);
    if (cached !== undefined) return cached;
    if (this.windows.needsRead(activityId)) {
      this.beforeLookup({ activityId, ip: ip(), now } as PurchaseAttempt);
    }
    return this.windows.get(activityId);
  }

  /** Forgets rested IPs (called by the periodic refresh). */
  prune(now: number): void {
    this.ipLimits.prune(now);
  }
}
